import datetime
import re

from django import template
from django.utils.formats import date_format

from catalogue.licences import describe
from catalogue.sources import readable

register = template.Library()
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(\d{2})\b")
# The beta.gouv.fr phase names as a commune reads them.
PHASES = {"accélération": "déploiement", "investigation": "étude des besoins", "pérennisation": "pérennisation"}


@register.filter
def french_date(value: datetime.date) -> str:
    """A date as French writes it: "1er décembre 2026", "3 avril 2023"."""
    if not value:
        return ""
    return date_format(value, "j F Y").replace("1 ", "1er ", 1) if value.day == 1 else date_format(value, "j F Y")


@register.filter
def french_dates(text: str) -> str:
    """ISO dates of the data files ("2024-12-01") as a visitor reads them ("1er décembre 2024")."""

    def replace(match):
        try:
            return french_date(datetime.date(*map(int, match.groups())))
        except ValueError:
            return match.group(0)

    def replace_month(match):
        try:
            return date_format(datetime.date(int(match[1]), int(match[2]), 1), "F Y")
        except ValueError:
            return match.group(0)

    text = _ISO_MONTH.sub(replace_month, _ISO_DATE.sub(replace, text or ""))
    for phase, plain in PHASES.items():
        text = text.replace(phase, plain)
    return text


@register.filter
def licences(expression: str):
    """The licences of an SPDX expression (identifier, full name, open or not), or None."""
    return describe(expression) if expression else None


@register.filter
def source_link(source: str):
    return readable(source)
