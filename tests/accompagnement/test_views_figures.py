import pytest

from accompagnement.models import Status
from territoires.models import Commune
from tests.accompagnement.factories import saved_request
from tests.catalogue.factories import DeploymentFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("territories")


@pytest.fixture
def requests_in_two_departements(db):
    ardeche = Commune.objects.filter(departement_id="07", population__lt=3500).order_by("code_insee")[:3]
    for commune in ardeche:
        saved_request(commune_id=commune.code_insee, email=f"mairie@{commune.code_insee}.fr")
    saved_request(commune_id="38001", email="secret.agent@les-abrets.fr", last_name="Confidentiel")


def test_a_departement_under_the_threshold_is_never_shown_alone(client, requests_in_two_departements):
    response = client.get("/chiffres/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Ardèche (07)</th><td>3</td>' in html
    assert "Isère (38)" not in html
    assert '<th scope="row">Autres départements (moins de 3 demandes chacun)</th><td>1</td>' in html
    assert "Confidentiel" not in html and "secret.agent" not in html and "Abrets" not in html


def test_each_table_downloads_as_csv(client, requests_in_two_departements):
    response = client.get("/chiffres/demandes-par-statut.csv")

    text = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "statut,demandes"
    assert f"{Status.NEW.label},4" in text
    assert client.get("/chiffres/inconnu.csv").status_code == 404


def test_usages_by_service_count_verified_usages_only(client):
    service = ServiceFactory(name="Réserv'salles")
    DeploymentFactory(service=service)
    DeploymentFactory(service=service, state="pending")

    html = client.get("/chiffres/").content.decode()

    assert '<th scope="row">Réserv&#x27;salles</th><td>1</td>' in html
    assert "pas encore de demande traitée" in html


def test_the_home_page_links_to_the_figures(client):
    assert 'href="/chiffres/"' in client.get("/").content.decode()
