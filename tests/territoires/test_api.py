import pytest

pytestmark = pytest.mark.usefixtures("territories")


def search_communes(client, q, **params):
    response = client.get("/api/territoires/communes/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [row["nom"] for row in response.json()["results"]]


@pytest.mark.parametrize("q", ["Saint-Étienne", "saint etienne", "ST ETIENNE", "st-étienne", "Saint Etienne"])
def test_commune_name_search_ignores_case_accents_and_saint_abbreviation(client, q):
    assert search_communes(client, q)[0] == "Saint-Étienne"


def test_exact_name_comes_before_longer_names(client):
    names = search_communes(client, "Paris")

    assert names[0] == "Paris"


def test_prefix_matches_come_before_matches_inside_the_name(client):
    names = search_communes(client, "Montb", page_size=100)

    first_inner = next(i for i, name in enumerate(names) if not name.lower().startswith("montb"))
    assert all(not name.lower().startswith("montb") for name in names[first_inner:])


def test_commune_found_by_postal_code(client):
    response = client.get("/api/territoires/communes/", {"q": "01400"})

    results = response.json()["results"]
    assert "01001" in [row["code_insee"] for row in results]
    assert all("01400" in row["codes_postaux"] or row["code_insee"] == "01400" for row in results)


def test_commune_found_by_insee_code_including_corsica(client):
    assert client.get("/api/territoires/communes/", {"q": "42218"}).json()["results"][0]["nom"] == "Saint-Étienne"
    assert client.get("/api/territoires/communes/", {"q": "2a004"}).json()["results"][0]["code_insee"] == "2A004"


def test_commune_detail_by_insee_code(client):
    response = client.get("/api/territoires/communes/29155/")

    assert response.status_code == 200
    assert response.json()["nom"] == "Ouessant"
    assert response.json()["epci"] is None


def test_epci_search_by_name_and_siren(client):
    by_name = client.get("/api/territoires/epci/", {"q": "metropole de lyon"}).json()["results"]
    siren = by_name[0]["siren"]
    by_siren = client.get("/api/territoires/epci/", {"q": siren}).json()["results"]

    assert by_name[0]["nom"] == "Métropole de Lyon"
    assert by_siren[0]["siren"] == siren


def test_epci_detail_lists_its_members(client):
    siren = client.get("/api/territoires/communes/01001/").json()["epci"]

    response = client.get(f"/api/territoires/epci/{siren}/")

    assert response.status_code == 200
    assert "01001" in [member["code_insee"] for member in response.json()["communes"]]


@pytest.mark.parametrize("q", ["", " ", "a", "é"])
def test_too_short_query_is_a_clear_400(client, q):
    response = client.get("/api/territoires/communes/", {"q": q})

    assert response.status_code == 400
    assert response.json()["errors"]["q"] == ["Saisissez au moins 2 caractères pour rechercher."]


def test_huge_query_is_a_clear_400(client):
    response = client.get("/api/territoires/communes/", {"q": "x" * 10_000})

    assert response.status_code == 400
    assert "100 caractères" in response.json()["errors"]["q"][0]


@pytest.mark.parametrize(
    "q", ["'; DROP TABLE territoires_commune; --", "%%", "__", "\\\\", "' OR 1=1 --", "😀😀", "000000000000", "99999"]
)
def test_hostile_or_unknown_queries_answer_200_with_no_result(client, q):
    for url in ["/api/territoires/communes/", "/api/territoires/epci/"]:
        response = client.get(url, {"q": q})

        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_unknown_codes_are_a_french_json_404(client):
    for url in ["/api/territoires/communes/00000/", "/api/territoires/epci/123/", "/api/territoires/regions/ZZ/"]:
        response = client.get(url)

        assert response.status_code == 404
        assert response.json() == {"detail": "Ressource introuvable."}


def test_page_size_goes_up_to_100(client):
    assert len(client.get("/api/territoires/communes/", {"page_size": 100}).json()["results"]) == 100


@pytest.mark.parametrize("page_size", ["5000", "0", "-3", "abc", "١٠"])
def test_a_page_size_outside_1_to_100_is_a_400_with_a_french_message(client, page_size):
    response = client.get("/api/territoires/communes/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["errors"]["page_size"] == ["Le nombre de résultats par page est un entier de 1 à 100."]


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5"])
def test_a_malformed_page_number_is_a_400_with_a_french_message(client, page):
    response = client.get("/api/territoires/communes/", {"page": page})

    assert response.status_code == 400
    assert response.json()["errors"]["page"] == ["Cette page n'existe pas."]


def test_a_page_past_the_last_is_a_404(client):
    response = client.get("/api/territoires/communes/", {"page": 99999})

    assert response.status_code == 404
    assert response.json() == {"detail": "Cette page n'existe pas."}


def test_an_api_address_that_matches_nothing_answers_json(client):
    response = client.get("/api/services/un.point/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_search_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    with django_assert_num_queries(3):  # page cache generation, count, page
        response = client.get("/api/territoires/communes/", {"q": "saint", "page_size": 100})

    assert len(response.json()["results"]) == 100


def test_saint_typed_in_full_finds_saint_names_only(client):
    names = search_communes(client, "saint", page_size=100)

    assert "Strasbourg" not in names
    assert all("saint" in name.lower() for name in names)


def test_st_prefix_also_finds_names_starting_with_st(client):
    assert "Strasbourg" in search_communes(client, "st", page_size=100)


def test_word_inside_a_name_matches_at_its_start(client):
    names = search_communes(client, "gervais les bains")

    assert "Saint-Gervais-les-Bains" in names
