import pytest

from territoires.models import Departement
from territoires.neighbours import neighbours_by_departement


def _commune(departement, epci=None, postal=()):
    return {"departement_id": departement, "epci_id": epci, "codes_postaux": list(postal)}


def test_an_epci_across_a_border_makes_two_departements_neighbours():
    communes = [_commune("01", "E1"), _commune("69", "E1"), _commune("29", "E2")]

    assert neighbours_by_departement(communes, {"01", "29", "69"}) == {"01": ["69"], "29": [], "69": ["01"]}


def test_a_postal_code_of_another_departement_or_a_shared_one_makes_neighbours():
    communes = [_commune("01", postal=["39130"]), _commune("2A", postal=["20167"]), _commune("2B", postal=["20167"])]

    neighbours = neighbours_by_departement(communes, {"01", "39", "2A", "2B"})

    assert neighbours == {"01": ["39"], "39": ["01"], "2A": ["2B"], "2B": ["2A"]}


@pytest.mark.usefixtures("territories")
def test_the_import_derives_the_neighbours_from_the_official_lists():
    isere = Departement.objects.get(code="38")
    paris = Departement.objects.get(code="75")

    assert {"69", "73"} <= set(isere.voisins)
    assert set(paris.voisins) == {"91", "92", "93", "94", "95"}
    assert "38" in Departement.objects.get(code="73").voisins
