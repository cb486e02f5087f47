import pytest

from catalogue.models import Service

pytestmark = pytest.mark.usefixtures("demo")


def test_service_list_uses_the_same_filters_as_the_page(client):
    page = client.get("/services/", {"theme": "inclusion-numerique", "code": "open"})
    api = client.get("/api/services/", {"theme": "inclusion-numerique", "code": "open", "page_size": 100})

    assert {s["slug"] for s in api.json()["results"]} == {s.slug for s in page.context["services"]}


def test_service_search_in_the_api(client):
    response = client.get("/api/services/", {"q": "rendez-vous"})

    assert response.json()["results"][0]["slug"] == "rdv-service-public"


def test_service_detail_by_slug_with_its_users(client):
    response = client.get("/api/services/espace-sur-demande/")

    data = response.json()
    assert response.status_code == 200
    assert data["deployments"][0]["user"] == "Département de l'Isère"
    assert data["deployments"][0]["departement"] == "38"
    assert data["page"] == "/services/espace-sur-demande/"


def test_unpublished_services_are_not_in_the_api(client):
    Service.objects.filter(slug="umap").update(is_published=False)

    assert client.get("/api/services/umap/").status_code == 404
    assert "umap" not in {s["slug"] for s in client.get("/api/services/", {"page_size": 100}).json()["results"]}


def test_themes_and_organisations(client):
    themes = client.get("/api/themes/", {"page_size": 100}).json()
    organisations = client.get("/api/organisations/").json()

    assert {"slug": "inclusion-numerique", "name": "Inclusion numérique"} in [
        {"slug": theme["slug"], "name": theme["name"]} for theme in themes["results"]
    ]
    assert len(themes["results"]) == 14
    assert organisations["results"][0].keys() == {"slug", "name", "kind", "website"}


def test_no_staff_only_field_in_the_api(client):
    data = client.get("/api/services/", {"page_size": 1}).json()["results"][0]

    assert "is_published" not in data and "notes" not in data and "search_vector" not in data
    assert "maintenance_contacts" not in data  # people named in a publiccode.yml stay off the API


@pytest.mark.parametrize(
    "params", [{"theme": "inconnue"}, {"q": "x" * 10_000}, {"page": "-1"}, {"france_relance": "peut-etre"}]
)
def test_bad_parameters_are_a_french_400(client, params):
    response = client.get("/api/services/", params)

    assert response.status_code == 400
    assert response.json()["detail"] == "Paramètres invalides."


def test_api_list_query_count_is_constant(client, django_assert_num_queries):
    with django_assert_num_queries(5):  # page cache generation, count, page, themes, enjeux
        client.get("/api/services/", {"page_size": 100})


@pytest.mark.parametrize("extra", [0, 150])
def test_api_detail_query_count_does_not_grow_with_users(client, django_assert_num_queries, extra):
    from tests.catalogue.factories import DeploymentFactory

    service = Service.objects.get(slug="espace-sur-demande")
    for number in range(extra):
        DeploymentFactory(service=service, other_body=f"Organisme {number}")

    with django_assert_num_queries(5):  # page cache generation, service, themes, enjeux, deployments
        response = client.get("/api/services/espace-sur-demande/")

    assert len(response.json()["deployments"]) == extra + 1
