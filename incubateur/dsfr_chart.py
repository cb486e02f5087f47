"""The DSFR's chart components (``@gouvfr/dsfr-chart``), copied into the static files so production needs no npm.

``manage.py vendor_dsfr_chart`` writes ``static/vendor/dsfr-chart/`` (committed) from the version that
``package-lock.json`` pins in ``node_modules/``: the bundle of every component (``DSFRChart.js``, web components
such as ``<bar-chart>`` and ``<map-chart>``, Vue and Chart.js inside), its stylesheet, its licence and a README
naming the version. A test rebuilds the files and fails when the committed copy differs.

The bundle needs no ``'unsafe-eval'`` (its templates are compiled ahead of time) and sets styles through the
CSSOM, which the Content-Security-Policy allows. Two places of its tooltips write HTML instead, changed here so
that the strict policy holds and a label stays text:
- the coloured dot of a tooltip is a ``style="background-color:…"`` attribute inside ``innerHTML``, which
  ``style-src 'self'`` refuses (a console error on every hover): the attribute is dropped, and the page's
  stylesheet hides the empty dot (the tooltip keeps its label and value);
- a tooltip's title (a category label: a service's or a thématique's name) is written with ``innerHTML``: it is
  written with ``textContent``.
Each change must match exactly as many places as listed, so a new version that moved them stops the copy.
"""

import json
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = "@gouvfr/dsfr-chart"
SOURCE = ROOT / "node_modules" / "@gouvfr" / "dsfr-chart"
OUTPUT = ROOT / "static" / "vendor" / "dsfr-chart"
# Output name: file of the package.
FILES = {
    "DSFRChart.js": "dist/DSFRChart/DSFRChart.js",
    "DSFRChart.css": "dist/DSFRChart/DSFRChart.css",
    "LICENSE": "LICENSE",
}
# (pattern, replacement, number of places) applied to DSFRChart.js.
PATCHES = [
    (re.compile(r' style="background-color:\$\{[^}]+\};"'), "", 6),
    (re.compile(r"\b([a-z])\.innerHTML = (d(?:\[0\])?);"), r"\1.textContent = \2;", 6),
]
# The DSFR classes that the charts the portal uses (bar and map) render: the portal's DSFR stylesheet
# (incubateur/dsfr_css.py reads every ``fr-…`` word of this module) keeps their rules. A browser test checks
# that the charts of /chiffres/ render no other.
RENDERED_CLASSES = (
    "fr-grid-row fr-col-12 fr-col-sm fr-col-lg-3 fr-col-lg-9 fr-text--xs fr-text--sm fr-text--md fr-text--bold "
    "fr-mb-0 fr-mb-1v fr-mb-1w fr-mb-2w fr-mt-3v fr-mt-4v fr-mt-auto fr-my-0 fr-my-1w fr-my-2w fr-ml-1w"
).split()


class VendorError(Exception):
    """The package in node_modules is missing, not the locked version, or no longer fits the changes."""


def locked_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{PACKAGE}"]["version"]


def patch(script: str) -> str:
    """The bundle with the changes that keep the Content-Security-Policy strict (module docstring)."""
    for pattern, replacement, places in PATCHES:
        script, found = pattern.subn(replacement, script)
        if found != places:
            raise VendorError(
                f"{pattern.pattern!r} trouvé {found} fois dans DSFRChart.js au lieu de {places} : cette version a "
                "changé les infobulles, revoir les adaptations de incubateur/dsfr_chart.py."
            )
    return script


def readme(version: str) -> str:
    return (
        f"# {PACKAGE} {version}\n\n"
        "The DSFR's chart components (MIT licence, `LICENSE`), copied from `node_modules/` by\n"
        "`manage.py vendor_dsfr_chart` at the version `package-lock.json` pins; do not edit by hand.\n"
        "`DSFRChart.js` differs from the package's file in its tooltips only, so that the strict\n"
        "Content-Security-Policy holds: see `incubateur/dsfr_chart.py`.\n"
    )


def build() -> dict[str, bytes]:
    """Every file of ``static/vendor/dsfr-chart/``, by name, from the locked package in ``node_modules/``."""
    version = locked_version()
    manifest = SOURCE / "package.json"
    if not manifest.exists():
        raise VendorError(f"{PACKAGE} manque dans node_modules/ : lancer `npm ci`.")
    installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    if installed != version:
        raise VendorError(
            f"node_modules/ contient {PACKAGE} {installed}, package-lock.json fixe {version} : lancer `npm ci`."
        )
    files = {name: (SOURCE / path).read_bytes() for name, path in FILES.items()}
    files["DSFRChart.js"] = patch(files["DSFRChart.js"].decode("utf-8")).encode("utf-8")
    files["README.md"] = readme(version).encode("utf-8")
    return files


def write() -> Path:
    files = build()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (OUTPUT / name).write_bytes(content)
    return OUTPUT
