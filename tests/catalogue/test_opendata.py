import csv
import io

import pytest

from catalogue.opendata import CSV_COLUMNS
from tests.catalogue.factories import ServiceFactory


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
