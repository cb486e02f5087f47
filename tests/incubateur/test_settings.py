import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from incubateur.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portail",
    "SECRET_KEY": "a-long-and-random-production-secret-key-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "incubateur.anct.gouv.fr",
}


def manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    completed = manage("check", DATABASE_URL=PRODUCTION["DATABASE_URL"])

    assert completed.returncode != 0
    assert "SECRET_KEY must be set" in completed.stderr


def test_check_deploy_is_clean_with_production_settings():
    completed = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_debug_is_off_unless_set(settings):
    from incubateur import settings as project_settings

    assert "DEBUG" in os.environ or project_settings.DEBUG is False


@pytest.mark.parametrize("raw", ["maybe", "2", "oui"])
def test_malformed_boolean_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG", False)


def test_malformed_integer_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "-3")

    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a non-negative integer"):
        env_int("SOME_NUMBER", 1)


def test_connections_are_persistent_with_health_checks_and_a_statement_timeout(settings):
    database = settings.DATABASES["default"]

    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "statement_timeout" in database["OPTIONS"]["options"]
