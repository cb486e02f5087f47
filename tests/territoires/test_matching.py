import pytest

from territoires.matching import official_body


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ville de Grenoble", ("commune", "38185")),
        ("Mairie de Paris", ("commune", "75056")),
        ("Département de l'Isère", ("departement", "38")),
        ("Région Bretagne", ("region", "53")),
        ("Grenoble-Alpes-Métropole", ("epci", "200040715")),
        ("Saint-Martin", None),  # several communes
        ("Syndicat des eaux", None),
    ],
)
def test_a_used_by_name_matches_one_official_body_or_none(name, expected):
    body = official_body(name)

    assert (None if body is None else next((kind, obj.pk) for kind, obj in body.items())) == expected
