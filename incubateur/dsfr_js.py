"""The one DSFR script the portal serves: the DSFR's core and only the components whose elements the pages use.

The DSFR ships its script whole (``dsfr.module.min.js``, 25 kB compressed) and also as the core plus one file per
component (``dist/core``, ``dist/component/<name>``), each of which registers its classes on ``window.dsfr``.
``manage.py build_dsfr_css`` writes ``static/dsfr-portail/dsfr.module.min.js`` (committed) from those files:
the core, the colour scheme (theme modal), then, in the DSFR's own order, each component whose script looks for a
class the portal uses (a class of its selectors that no other component's script looks for: ``fr-nav`` makes
the navigation needed, ``fr-modal`` alone does not make the header needed). Each file is wrapped in its own
function, as the DSFR's modules each have their own scope. Then the portal's own ``static/js/theme_modal.js``,
so that no page pays one more request for it. The ``nomodule`` script (browsers without modules) stays the whole
DSFR. The DSFR's licence header is kept at the top; a test rebuilds the file and fails when it is out of date.
"""

import re
from collections import Counter
from pathlib import Path

from django.conf import settings

from incubateur.dsfr_css import DIST, LICENCE, used_classes

OUTPUT = Path(settings.BASE_DIR) / "static" / "dsfr-portail" / "dsfr.module.min.js"
PORTAL_SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "theme_modal.js"
SELECTOR = re.compile(r'ns\.selector\("([^"]*)"\)')
# The order of the DSFR's whole script (dist/dsfr/dsfr.module.min.js): a later component may extend an earlier one.
DSFR_ORDER = [
    "accordion", "button", "card", "checkbox", "segmented", "breadcrumb", "tooltip", "toggle", "sidemenu", "modal",
    "password", "navigation", "tab", "tag", "transcription", "tile", "range", "header", "display", "table",
]  # fmt: skip


def _script(folder: str, name: str) -> Path:
    return DIST / folder / name / f"{name}.module.min.js" if folder else DIST / name / f"{name}.module.min.js"


def looked_for(name: str) -> set[str]:
    """The classes a component's script looks for (first class of each of its selectors)."""
    text = _script("component", name).read_text(encoding="utf-8")
    return {"fr-" + re.split(r"[ \[:]", found)[0] for found in SELECTOR.findall(text)}


def used_components(used: set[str]) -> list[str]:
    """The components whose script the pages need, in the DSFR's order."""
    available = [name for name in DSFR_ORDER if _script("component", name).exists()]
    classes = {name: looked_for(name) for name in available}
    shared = Counter(css_class for found in classes.values() for css_class in found)
    return [name for name in available if {c for c in classes[name] if shared[c] == 1} & used]


def _body(path: Path) -> str:
    return LICENCE.sub("", path.read_text(encoding="utf-8")).strip()


def build(used: set[str] | None = None) -> str:
    """The portal's DSFR script, as text."""
    used = used_classes() if used is None else used
    components = used_components(used)
    files = [_script("", "core"), _script("", "scheme")] + [_script("component", name) for name in components]
    licence = LICENCE.search(_script("", "core").read_text(encoding="utf-8")).group(0)
    listed = ", ".join(components)
    note = f"/*! Subset for the portal: core, scheme, components {listed}; the portal's theme_modal.js. */"
    parts = [f"(()=>{{{_body(path)}\n}})();" for path in files]
    parts.append(PORTAL_SCRIPT.read_text(encoding="utf-8").strip())
    return licence + "\n" + note + "\n" + "\n".join(parts) + "\n"


def write() -> Path:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(build(), encoding="utf-8")
    return OUTPUT
