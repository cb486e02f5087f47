import csv
import io

import pytest

from catalogue.opendata import CSV_COLUMNS
from tests.catalogue.factories import DeploymentFactory, ServiceFactory


def read_csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.usefixtures("demo")
def test_csv_has_every_public_field_of_every_published_service(client):
    response = client.get("/services.csv")

    rows = read_csv(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 40
    assert next(row for row in rows if row["slug"] == "espace-sur-demande")["france_relance"] == "oui"


@pytest.mark.usefixtures("demo")
def test_csv_follows_the_page_filters(client):
    rows = read_csv(client.get("/services.csv", {"code": "unknown"}))

    assert len(rows) == 8  # stopped services are out, as on the page


@pytest.mark.usefixtures("territories")
def test_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    ServiceFactory(name='=HYPERLINK("http://evil")', summary="+33 1 23")

    row = read_csv(client.get("/services.csv"))[0]

    assert row["nom"].startswith("'=")
    assert row["resume"].startswith("'+")


@pytest.mark.usefixtures("territories")
def test_verified_usages_are_open_data_keyed_on_official_codes_without_personal_data(client):
    service = ServiceFactory(name="Réserv'salles", slug="reserv-salles")
    DeploymentFactory(service=service, commune_id="38185", other_body="", use_case="Salles", contact="https://x.fr")
    DeploymentFactory(service=service, epci_id="200040715", other_body="", state="to_confirm")
    DeploymentFactory(service=service, other_body="Mairie non vérifiée", state="pending")

    csv_text = b"".join(client.get("/utilisations.csv").streaming_content).decode()
    records = client.get("/utilisations.json").json()

    lines = csv_text.splitlines()
    assert lines[0].startswith("service,service_slug,collectivite,code_officiel,nature_du_code,departement")
    assert len(lines) == 3 and "Mairie non vérifiée" not in csv_text
    assert {(r["code_officiel"], r["nature_du_code"], r["a_confirmer"]) for r in records} == {
        ("38185", "code INSEE de la commune", False),
        ("200040715", "SIREN de l'EPCI", True),
    }
    assert all("@" not in str(value) for record in records for value in record.values())
