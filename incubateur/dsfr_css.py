"""The one DSFR stylesheet the portal serves: only the components its pages use, only the icons they show.

The whole DSFR (``dsfr.min.css`` and ``utility.min.css``) weighs about 150 kB compressed, most of it
components and icons no page shows. ``manage.py build_dsfr_css`` writes ``static/dsfr-portail/dsfr.min.css``
(committed) from the DSFR that django-dsfr ships:
- the core (``core.main.min.css``: fonts, grid, typography), without the spacing and grid utilities no page uses;
- each component whose classes appear in a template, a form or a script of the portal, whole (its states,
  set by the DSFR's script, come with it), in the DSFR's own order;
- of the utilities (icons, colours, pictograms), only the rules whose classes are all used, icons inlined
  as ``data:`` URIs (allowed by the ``img-src`` policy) so that no icon costs a request;
- django-dsfr's overrides.
Only the modern (``.main``) files: the legacy ones serve browsers the DSFR itself no longer supports.
The DSFR's licence header is kept at the top. A test rebuilds the file and fails when it is out of date.
"""

import re
from pathlib import Path

import dsfr
from django.conf import settings

DSFR_STATIC = Path(dsfr.__file__).parent / "static"
DIST = DSFR_STATIC / "dsfr" / "dist"
OUTPUT = Path(settings.BASE_DIR) / "static" / "dsfr-portail" / "dsfr.min.css"
# django-dsfr templates the portal renders (theme modal, favicon, forms).
DSFR_TEMPLATES = [
    "theme_modale.html",
    "favicon.html",
    "form_base.html",
    "form_snippet.html",
    "form_field_snippets",
    "widgets",
]
# Classes of the core that are utilities: dropped unless a page uses them (the rest of the core is kept).
CORE_UTILITY = re.compile(r"^fr-(?:[mp][trblxy]?-|col|grid-row--|text--|display|h[1-6]$|hidden|unhidden|displayed)")
CLASS = re.compile(r"\.(fr-[a-zA-Z0-9_-]+)")
LICENCE = re.compile(r"/\*!.*?\*/", re.S)
URL = re.compile(r"url\(([^)]+)\)")


def used_classes() -> set[str]:
    """Every ``fr-…`` word in the portal's templates, Python code and scripts, and in the DSFR templates it renders."""
    root = Path(settings.BASE_DIR)
    files = [
        path
        for pattern in ("*/templates/**/*.html", "templates/**/*.html", "*/*.py", "static/js/*.js")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
    ]
    templates = Path(dsfr.__file__).parent / "templates" / "dsfr"
    for name in DSFR_TEMPLATES:
        path = templates / name
        files.extend(path.glob("*.html") if path.is_dir() else [path])
    files.append(Path(dsfr.__file__).parent / "forms.py")
    words = set()
    for path in files:
        words.update(re.findall(r"fr-[a-zA-Z0-9_-]*[a-zA-Z0-9]", path.read_text(encoding="utf-8")))
    return words


def svg_data(svg: str) -> str:
    """An SVG as a ``data:`` URI escaping only what must be (it then compresses nearly as well as the file)."""
    svg = " ".join(svg.split()).replace('"', "'")
    for char in "%#<>":
        svg = svg.replace(char, f"%{ord(char):02X}")
    return "data:image/svg+xml;charset=utf-8," + svg


def split_rules(css: str) -> list[str]:
    """The top-level rules and at-rules of a minified stylesheet, in order."""
    rules, depth, start, quote_char = [], 0, 0, None
    for index, char in enumerate(css):
        if quote_char:
            quote_char = None if char == quote_char and css[index - 1] != "\\" else quote_char
        elif char in "\"'":
            quote_char = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append(css[start : index + 1].strip())
                start = index + 1
        elif char == ";" and depth == 0:
            rules.append(css[start : index + 1].strip())
            start = index + 1
    return [rule for rule in rules if rule]


def prune(css: str, keep_selector) -> str:
    """``css`` with only the selectors ``keep_selector`` accepts (inside @media and @supports too)."""
    kept = []
    for rule in split_rules(css):
        if rule.startswith(("@media", "@supports", "@layer")):
            head, body = rule.split("{", 1)
            inner = prune(body[:-1], keep_selector)
            if inner:
                kept.append(f"{head}{{{inner}}}")
        elif rule.startswith("@"):
            kept.append(rule)
        else:
            selectors, block = rule.split("{", 1)
            chosen = [selector for selector in _selectors(selectors) if keep_selector(selector)]
            if chosen:
                kept.append(",".join(chosen) + "{" + block)
    return "".join(kept)


def _selectors(text: str) -> list[str]:
    """Selectors of a list, split on the commas outside parentheses (``:is(a,b)``)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _inline_or_rebase(css: str, source: Path, inline: bool) -> str:
    """``url()``s made valid from the output's folder; SVG icons inlined when ``inline``."""

    def replace(match):
        target = match.group(1).strip("\"'")
        if target.startswith("data:"):
            return match.group(0)
        path = (source.parent / target).resolve()
        if inline and path.suffix == ".svg":
            return f'url("{svg_data(path.read_text(encoding="utf-8"))}")'
        static_root = DSFR_STATIC.resolve()
        return f"url(../{path.relative_to(static_root).as_posix()})"

    return URL.sub(replace, css)


def _component_order(names: list[str]) -> list[str]:
    """Components in the order of the DSFR's full stylesheet (later ones override earlier ones)."""
    full = (DIST / "dsfr" / "dsfr.main.min.css").read_text(encoding="utf-8")

    def position(name):
        if not (DIST / "component" / name / f"{name}.main.min.css").exists():
            return -1
        body = LICENCE.sub("", (DIST / "component" / name / f"{name}.main.min.css").read_text(encoding="utf-8"))
        return full.find(body.replace('@charset "UTF-8";', "").strip()[:120])

    return sorted(names, key=position)


def build(used: set[str] | None = None) -> str:
    """The portal's DSFR stylesheet, as text."""
    used = used_classes() if used is None else used

    def all_used(selector):
        return all(name in used for name in CLASS.findall(selector))

    def core_kept(selector):
        return all(name in used or not CORE_UTILITY.match(name) for name in CLASS.findall(selector))

    core_file = DIST / "core" / "core.main.min.css"
    core = LICENCE.sub("", core_file.read_text(encoding="utf-8")).replace('@charset "UTF-8";', "")
    parts = [_inline_or_rebase(prune(core, core_kept), core_file, inline=True)]
    # A component is needed when a page uses a class it introduces (one that the core and the components
    # before it do not mention: the header's stylesheet also styles buttons, which does not make it needed).
    seen = set(CLASS.findall(core))
    components = []
    for name in _component_order([folder.name for folder in (DIST / "component").iterdir() if folder.is_dir()]):
        file = DIST / "component" / name / f"{name}.main.min.css"
        if not file.exists():
            continue
        classes = set(CLASS.findall(file.read_text(encoding="utf-8")))
        # Or a class of its own name (``fr-input``, ``fr-select-group``): other components mention it too.
        own = {c for c in classes if c == f"fr-{name}" or c.startswith((f"fr-{name}-", f"fr-{name}_"))}
        if (classes - seen) & used or own & used:
            components.append(name)
        seen |= classes
    for name in components:
        file = DIST / "component" / name / f"{name}.main.min.css"
        css = LICENCE.sub("", file.read_text(encoding="utf-8")).replace('@charset "UTF-8";', "")
        parts.append(_inline_or_rebase(css, file, inline=True))
    for file in (DIST / "utility" / "utility.main.min.css", DSFR_STATIC / "css" / "dsfr-django-overrides.css"):
        css = LICENCE.sub("", file.read_text(encoding="utf-8")).replace('@charset "UTF-8";', "")
        parts.append(_inline_or_rebase(prune(css, all_used), file, inline=True))
    licence = LICENCE.search(core_file.read_text(encoding="utf-8")).group(0)
    note = f"/*! Subset for the portal: core, components {', '.join(components)}; used icons. */"
    return '@charset "UTF-8";\n' + licence + "\n" + note + "\n" + "".join(parts) + "\n"


def write() -> Path:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(build(), encoding="utf-8")
    return OUTPUT
