"""How territory names are normalised, so that a search ignores case, accents, hyphens and "Saint"/"St"."""

import re
import unicodedata

from django.db import models

_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Both the long and the short form are typed by users ("St-Étienne", "Saint Etienne"): index the short one.
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return _SEPARATORS.sub(" ", ascii_text).split()


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, with Saint/Sainte shortened."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _words(text))


def search_pattern(text: str) -> str:
    """The normalised query, with a trailing space when its last word is a whole "Saint"/"Sainte".

    Someone who typed "saint" in full wants Saint-…, not every name that starts with "st" (Strasbourg).
    """
    words = _words(text)
    pattern = normalize(text)
    return f"{pattern} " if words and words[-1] in _ABBREVIATIONS else pattern


class ImmutableUnaccent(models.Func):
    """``immutable_unaccent(text)``: accent folding usable in generated columns and indexes (migration 0001)."""

    function = "immutable_unaccent"
    output_field = models.TextField()
