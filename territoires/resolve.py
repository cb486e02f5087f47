"""What a person typed in a territory field, read as one commune or EPCI, or as a short list to choose from.

Used by the forms that work without JavaScript: the server resolves a name, a postal code or a code, and
when several territories match it offers them all as a choice instead of picking one.
"""

import re
from dataclasses import dataclass, field

from territoires.models import INSEE_CODE, SIREN, Commune, Epci

# A name matching more territories than this asks to be typed more precisely; a postal code never has more
# than 46 communes, so all of them are offered.
MAX_NAME_CHOICES = 10
_CODE_IN_PARENTHESES = re.compile(r"\((\w{5}|\d{9})\)\s*$")


@dataclass
class Resolution:
    """One territory found, or several to choose from, or an error message to show by the field."""

    territory: object = None
    choices: list = field(default_factory=list)
    error: str = ""


def _settle(candidates: list, *, exact: list, chosen: str, code: str, nothing: str) -> Resolution | None:
    """One territory when the choice made, a single candidate or a single exact name decides; an error when
    nothing matches; None when the person has to choose."""
    picked = next((territory for territory in candidates if getattr(territory, code) == chosen.upper()), None)
    if chosen and picked is not None:
        return Resolution(picked)
    if len(candidates) == 1 or len(exact) == 1:
        return Resolution((exact or candidates)[0])
    if not candidates:
        return Resolution(error=nothing)
    return None


def resolve_commune(text: str, *, chosen: str = "") -> Resolution:
    """The commune meant by ``text`` (postal code, INSEE code, name, "Name (INSEE)"); ``chosen`` is the INSEE
    code picked among the choices offered for the same text."""
    communes = Commune.objects.select_related("departement", "epci")
    in_parentheses = _CODE_IN_PARENTHESES.search(text)
    if in_parentheses and INSEE_CODE.match(in_parentheses.group(1)):
        # What the autocomplete and the prefilled links write: the INSEE code is unambiguous.
        commune = communes.filter(code_insee=in_parentheses.group(1).upper()).first()
        if commune is not None:
            return Resolution(commune)
    if len(text) < 2:
        return Resolution(error="Indiquez au moins 2 caractères du nom de la commune, ou son code postal.")
    exact_code = bool(INSEE_CODE.match(text))
    if exact_code:
        # A postal code first, every commune of it; the commune whose INSEE code it is comes after them.
        candidates = list(communes.search(text))
        exact = []
    else:
        candidates = list(communes.search(text)[: MAX_NAME_CHOICES + 1])
        exact = [commune for commune in candidates if getattr(commune, "rang", None) == 0]
    nothing = f"Aucune commune ne correspond à « {text[:60]} ». Vérifiez l'orthographe ou le code postal."
    settled = _settle(candidates, exact=exact, chosen=chosen, code="code_insee", nothing=nothing)
    if settled is not None:
        return settled
    if len(candidates) > MAX_NAME_CHOICES and not exact_code:
        return Resolution(
            choices=candidates[:MAX_NAME_CHOICES],
            error=f"Plus de {MAX_NAME_CHOICES} communes correspondent à « {text[:60]} » : choisissez la vôtre "
            "ci-dessous, ou précisez le nom ou le code postal.",
        )
    return Resolution(
        choices=candidates,
        error=f"{len(candidates)} communes correspondent à « {text[:60]} » : choisissez la vôtre ci-dessous.",
    )


def resolve_epci(text: str, *, chosen: str = "") -> Resolution:
    """The EPCI meant by ``text`` (SIREN, name, "Name (SIREN)"); ``chosen`` is the SIREN picked among the choices."""
    in_parentheses = _CODE_IN_PARENTHESES.search(text)
    code = in_parentheses.group(1) if in_parentheses else text
    if SIREN.match(code):
        epci = Epci.objects.filter(siren=code).first()
        if epci is not None:
            return Resolution(epci)
    if len(text) < 2:
        return Resolution(error="Indiquez au moins 2 caractères du nom de l'intercommunalité.")
    candidates = list(Epci.objects.search(text)[: MAX_NAME_CHOICES + 1])
    exact = [epci for epci in candidates if getattr(epci, "rang", None) == 0]
    nothing = f"Aucune intercommunalité ne correspond à « {text[:60]} ». Vérifiez l'orthographe ou le SIREN."
    settled = _settle(candidates, exact=exact, chosen=chosen, code="siren", nothing=nothing)
    if settled is not None:
        return settled
    return Resolution(
        choices=candidates[:MAX_NAME_CHOICES],
        error=f"Plusieurs intercommunalités correspondent à « {text[:60]} » : choisissez la vôtre ci-dessous"
        + (", ou précisez le nom." if len(candidates) > MAX_NAME_CHOICES else "."),
    )
