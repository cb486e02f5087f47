import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CSV_DOWNLOADS = ["/services.csv", "/consultation/contributions.csv"]
PATHS = ["/sante/", "/", "/services/", "/api/territoires/communes/?q=paris", *CSV_DOWNLOADS]
# Runs in a separate process whose database is unreachable: a closed port on this machine.
PROBE = (
    f"PATHS = {PATHS!r}\n"
    + """
import django, json
django.setup()
from django.test import Client, override_settings
client = Client(raise_request_exception=False)
result = {}
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"staticfiles": plain_static}):
    for path in PATHS:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        result[path] = [response.status_code, body.decode()]
print(json.dumps(result))
"""
)


@pytest.mark.django_db
def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/sante/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture(scope="module")
def pages_without_database():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "incubateur.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/portail",
        "SECRET_KEY": "test",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_CONNECT_TIMEOUT": "2",
    }
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_health_is_503_when_the_database_is_unreachable(pages_without_database):
    status, body = pages_without_database["/sante/"]

    assert status == 503
    assert json.loads(body)["status"] != "ok"


@pytest.mark.parametrize("path", ["/", "/services/"])
def test_pages_answer_a_french_503_when_the_database_is_unreachable(pages_without_database, path):
    status, body = pages_without_database[path]

    assert status == 503
    assert "Service momentanément indisponible" in body
    assert 'class="fr-header"' in body
    assert "Traceback" not in body


def test_api_answers_a_french_json_503_when_the_database_is_unreachable(pages_without_database):
    status, body = pages_without_database["/api/territoires/communes/?q=paris"]

    assert status == 503
    assert json.loads(body) == {"detail": "Service momentanément indisponible, réessayez dans une minute."}


@pytest.mark.parametrize("path", CSV_DOWNLOADS)
def test_open_data_downloads_answer_503_rather_than_an_empty_file(pages_without_database, path):
    status, body = pages_without_database[path]

    assert status == 503
    assert "Service momentanément indisponible" in body
