import json
import re
from html import unescape

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


CHART = re.compile(r"<(bar-chart|map-chart)((?:\s[\w-]+=\"[^\"]*\")*)></\1>")


def charts(html: str) -> list[tuple[str, dict]]:
    """Each chart element of the page: its tag and its attributes, unescaped."""
    return [
        (tag, {name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', attributes)})
        for tag, attributes in CHART.findall(html)
    ]


def test_the_map_colours_only_the_departements_at_or_above_the_threshold(client, requests_in_two_departements):
    html = client.get("/chiffres/").content.decode()

    (tag, attributes), *bars = charts(html)
    assert tag == "map-chart"
    assert json.loads(attributes["data"]) == {"07": 3}
    assert attributes["value"] == "4"  # every request, the grouped one included
    assert [tag for tag, _ in bars] == ["bar-chart"] * 2  # by month and by status: no thématique, no usage yet


def test_the_charts_carry_no_personal_data_and_no_small_departement_count(client, requests_in_two_departements):
    html = client.get("/chiffres/").content.decode()

    text = " ".join(value for _, attributes in charts(html) for value in attributes.values())
    for private in ("Confidentiel", "secret.agent", "Abrets", "38001", "Isère", "Durand", "mairie@", "Lalouvesc"):
        assert private not in text
    map_counts = json.loads(charts(html)[0][1]["data"])
    assert min(map_counts.values()) >= 3 and "38" not in map_counts


def test_each_chart_is_followed_by_its_table_and_csv_link(client, requests_in_two_departements):
    html = client.get("/chiffres/").content.decode()

    sections = html.split('<h2 class="fr-mt-5w" id="')[1:]
    with_chart = [section for section in sections if "-chart " in section]
    assert len(with_chart) == 3  # département, month, status
    for section in with_chart:
        slug = section.split('"', 1)[0]
        chart_at, table_at = section.index("-chart "), section.index("<table>")
        assert chart_at < table_at < section.index(f'href="/chiffres/{slug}.csv"')
        assert '<figure class="portail-chart fr-my-3w" aria-hidden="true">' in section


def test_a_departement_map_only_grouped_requests_is_not_drawn(client):
    saved_request(commune_id="38001", email="secret.agent@les-abrets.fr")

    html = client.get("/chiffres/").content.decode()

    assert "<map-chart" not in html
    assert '<th scope="row">Autres départements (moins de 3 demandes chacun)</th><td>1</td>' in html


def test_the_chart_script_is_loaded_by_the_figures_page_only(client):
    figures = client.get("/chiffres/").content.decode()

    assert 'type="module" src="/static/vendor/dsfr-chart/DSFRChart.js" integrity="sha384-' in figures
    assert 'href="/static/vendor/dsfr-chart/DSFRChart.css"' in figures
    for path in ("/", "/services/", "/accompagnement/"):
        assert "dsfr-chart" not in client.get(path).content.decode()


def test_usages_are_drawn_as_bars_by_service_and_departement(client):
    service = ServiceFactory(name="Réserv'salles")
    DeploymentFactory(service=service)

    html = client.get("/chiffres/").content.decode()

    bars = {attributes["x"]: attributes for tag, attributes in charts(html) if tag == "bar-chart"}
    assert json.loads(bars['[["Réserv\'salles"]]']["y"]) == [[1]]
    assert bars['[["Réserv\'salles"]]']["horizontal"] == "true"
