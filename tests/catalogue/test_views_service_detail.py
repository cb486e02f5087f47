import pytest

from catalogue.models import Deployment, Service
from tests.catalogue.factories import DeploymentFactory, ServiceFactory


@pytest.mark.usefixtures("demo")
def test_every_real_service_page_answers_and_shows_its_data(client):
    for service in Service.objects.all():
        response = client.get(f"/services/{service.slug}/")

        html = response.content.decode()
        assert response.status_code == 200, service.slug
        assert f"<h1>{service.name}</h1>".replace("'", "&#x27;") in html
        assert service.get_code_status_display() in html
        if service.repository:
            assert f'href="{service.repository}"' in html


@pytest.mark.usefixtures("demo")
def test_service_page_says_who_uses_it_and_its_sources(client):
    html = client.get("/services/espace-sur-demande/").content.decode()

    assert "Isère (38)" in html
    assert "Département de l&#x27;Isère" in html
    assert "horizonspublics.fr" in html
    assert "Demander un accompagnement" in html


@pytest.mark.usefixtures("territories")
def test_users_in_the_visitors_departement_come_first(client):
    service = ServiceFactory()
    DeploymentFactory(service=service, departement_id="01", other_body="Département de l'Ain")
    DeploymentFactory(service=service, departement_id="69", commune_id=None, other_body="", epci=None)
    Deployment.objects.create(service=service, commune_id="38185", departement_id="38")

    default = client.get(f"/services/{service.slug}/").context["usage"]
    near_grenoble = client.get(f"/services/{service.slug}/", {"commune": "38421"}).context["usage"]
    by_name = client.get(f"/services/{service.slug}/", {"commune": "Grenoble"})
    by_postal_code = client.get(f"/services/{service.slug}/", {"commune": "38000"})

    assert [group.departement.code for group in default] == ["01", "38", "69"]
    assert near_grenoble[0].departement.code == "38"
    assert near_grenoble[0].is_visitor_departement
    assert {group.departement.code for group in near_grenoble[1:]} == {"01", "69"}
    assert by_name.context["usage"][0].departement.code == "38"
    assert "Classement depuis Grenoble (Isère)" in by_name.content.decode()
    assert by_postal_code.context["visitor_commune"].nom == "Grenoble"


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("commune", ["zzzzz", "' OR 1=1", "x" * 5000, "", "%"])
def test_unknown_visitor_commune_is_ignored(client, commune):
    service = ServiceFactory()

    response = client.get(f"/services/{service.slug}/", {"commune": commune})

    assert response.status_code == 200
    assert response.context["visitor_commune"] is None


@pytest.mark.usefixtures("territories")
def test_a_nul_in_the_visitor_commune_is_a_bad_request_in_french(client):
    service = ServiceFactory()

    response = client.get(f"/services/{service.slug}/", {"commune": "Condat\x00"})

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


@pytest.mark.usefixtures("territories")
def test_unpublished_and_unknown_services_are_not_found(client):
    ServiceFactory(slug="cache", is_published=False)

    assert client.get("/services/cache/").status_code == 404
    assert client.get("/services/inconnu/").status_code == 404
    assert client.get("/services/cache/publiccode.yml").status_code == 404


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("count", [5, 200])
def test_service_page_query_count_does_not_grow_with_its_users(client, django_assert_num_queries, count):
    service = ServiceFactory()
    for number in range(count):
        DeploymentFactory(service=service, other_body=f"Organisme {number}")

    # visitor commune, service, themes, enjeux, deployments
    with django_assert_num_queries(6):  # 5 + the page cache generation
        response = client.get(f"/services/{service.slug}/", {"commune": "Grenoble"})

    assert len(response.context["usage"][0].deployments) == count
