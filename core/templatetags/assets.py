"""``{% stylesheet %}`` and ``{% script %}``: static assets linked with the integrity of the bytes served."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.assets import integrity

register = template.Library()


@register.simple_tag
def stylesheet(path: str):
    """``<link rel="stylesheet">`` to the static ``path``, with its Subresource Integrity."""
    return format_html('<link rel="stylesheet" href="{}" integrity="{}">', static(path), integrity(path))


@register.simple_tag
def script(path: str, kind: str = ""):
    """``<script>`` for the static ``path`` with its integrity; ``kind``: "module" or "nomodule"."""
    if kind not in ("", "module", "nomodule"):
        raise template.TemplateSyntaxError(f"script kind must be 'module' or 'nomodule', not {kind!r}")
    attribute = mark_safe({"module": ' type="module"', "nomodule": " nomodule", "": ""}[kind])  # noqa: S308 (constants)
    return format_html('<script{} src="{}" integrity="{}"></script>', attribute, static(path), integrity(path))
