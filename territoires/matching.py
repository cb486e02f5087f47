"""Names of bodies, as publiccode.yml files write them in ``usedBy``, matched to the official lists."""

import re

from territoires.models import Commune, Departement, Epci, Region
from territoires.search import normalize

# A leading word that says what kind of body a name is ("Ville de Grenoble", "Département de l'Isère").
_KIND_PREFIX = re.compile(
    r"^(?P<kind>ville|commune|mairie|departement|conseil departemental|region|conseil regional)"
    r"(?: (?:de la|de l|du|des|de|d))? "
)
_KINDS = {"ville": "commune", "commune": "commune", "mairie": "commune", "departement": "departement"}
_KINDS |= {"conseil departemental": "departement", "region": "region", "conseil regional": "region"}


def _named(kind: str, name: str) -> list:
    if kind == "commune":
        return list(Commune.objects.filter(nom_recherche=name)[:2])
    if kind == "epci":
        return list(Epci.objects.filter(nom_recherche=name)[:2])
    model = Departement if kind == "departement" else Region
    return [body for body in model.objects.all() if normalize(body.nom) == name]


def official_body(name: str) -> dict | None:
    """The one commune, EPCI, département or région that ``name`` names exactly, as ``{"commune": Commune}``
    (or ``{"epci": …}``…), or None when it names none or several."""
    wanted = normalize(name)
    prefix = _KIND_PREFIX.match(wanted)
    if prefix:
        kinds, wanted = [_KINDS[prefix["kind"]]], wanted[prefix.end() :]
    else:
        kinds = ["commune", "epci"]
    found = [(kind, bodies) for kind in kinds if (bodies := _named(kind, wanted))]
    if len(found) != 1 or len(found[0][1]) != 1:
        return None
    kind, (body,) = found[0]
    return {kind: body}
