"""Template filters for French text."""

from django import template

from core.french import plural_word

register = template.Library()


@register.filter
def pluriel(count, forms: str) -> str:
    """``{{ n }} {{ n|pluriel:"service existant,services existants" }}``: the form that agrees in French."""
    singular, _, plural_form = forms.partition(",")
    try:
        number = int(count)
    except (TypeError, ValueError):
        return plural_form
    return plural_word(number, singular, plural_form or singular)
