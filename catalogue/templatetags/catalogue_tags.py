import datetime
import re

from django import template
from django.utils.formats import date_format

from catalogue.licences import describe
from catalogue.sources import readable

register = template.Library()
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@register.filter
def french_dates(text: str) -> str:
    """ISO dates of the data files ("2024-12-01") as a visitor reads them ("1 décembre 2024")."""

    def replace(match):
        try:
            return date_format(datetime.date(*map(int, match.groups())), "j F Y")
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(replace, text or "")


@register.filter
def licences(expression: str):
    """The licences of an SPDX expression (identifier, full name, open or not), or None."""
    return describe(expression) if expression else None


@register.filter
def source_link(source: str):
    return readable(source)
