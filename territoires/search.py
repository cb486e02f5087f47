"""How territory names are normalised, so that a search ignores case, accents, hyphens and "Saint"/"St"."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Both the long and the short form are typed by users ("St-Étienne", "Saint Etienne"): index the short one.
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces, with Saint/Sainte shortened."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = _SEPARATORS.sub(" ", ascii_text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
