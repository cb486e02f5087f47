"""Neighbouring départements, derived from the official lists rather than written by hand.

The lists carry no geometry, so two départements are taken as neighbours when the official data itself ties
them across their border:
- an EPCI has member communes in both: an EPCI's perimeter is in one piece and without enclave (code général
  des collectivités territoriales, article L5210-1-1), so it crosses their border;
- a commune of one has a postal code of the other, or communes of both share a postal code (La Poste's
  delivery areas, given with the official list of communes).
This finds only the borders crossed that way, a subset of the real neighbours; the pages say "voisins" only
of those, and fall back on the région for the rest.
"""

from collections import defaultdict
from collections.abc import Iterable


def neighbours_by_departement(communes: Iterable[dict], departement_codes: set[str]) -> dict[str, list[str]]:
    """{département code: sorted codes of its neighbours} from mapped commune rows (departement_id, epci_id,
    codes_postaux)."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: set[tuple[str, str]] = set()
    for commune in communes:
        departement = commune["departement_id"]
        if commune["epci_id"]:
            groups["epci", commune["epci_id"]].add(departement)
        for postal_code in commune["codes_postaux"]:
            groups["postal", postal_code].add(departement)
            # Metropolitan postal codes start with the département's code (Corsica's with 20, never a code).
            prefix = postal_code[:2]
            if prefix != departement and prefix in departement_codes and len(departement) == 2:
                pairs.add((departement, prefix))
    for members in groups.values():
        pairs.update((a, b) for a in members for b in members if a != b)
    neighbours: dict[str, set[str]] = {code: set() for code in departement_codes}
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    return {code: sorted(codes) for code, codes in neighbours.items()}
