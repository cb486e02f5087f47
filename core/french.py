"""French wording of counts: 0 and 1 take the singular (« 0 service existant », « 1 commentaire »)."""


def plural_word(count: int, singular: str, plural_form: str) -> str:
    """The form of a word that agrees with ``count`` in French."""
    return singular if abs(count) < 2 else plural_form


def plural(count: int, singular: str, plural_form: str) -> str:
    """« 1 service existant », « 3 services existants » (thousands separated by a narrow space)."""
    return f"{count:,}".replace(",", "\u202f") + " " + plural_word(count, singular, plural_form)
