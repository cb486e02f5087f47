import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from incubateur.environment import env_bool, env_increasing_ints, env_int
from tests.production import manage


def test_production_refuses_to_start_without_secret_key(production):
    del production["SECRET_KEY"]

    completed = manage("check", env=production)

    assert completed.returncode != 0
    assert "SECRET_KEY must be set" in completed.stderr


def test_check_deploy_is_clean_with_production_settings(production):
    completed = manage("check", "--deploy", "--fail-level", "WARNING", env=production)

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


@pytest.mark.parametrize("raw", ["14,7", "7,,x", "0,7", "7,7", ","])
def test_reminder_days_must_increase(monkeypatch, raw):
    monkeypatch.setenv("SOME_DAYS", raw)

    with pytest.raises(ImproperlyConfigured, match="SOME_DAYS must list positive integers in increasing order"):
        env_increasing_ints("SOME_DAYS", [7, 14])


def test_reminder_days_are_read_as_numbers(monkeypatch):
    monkeypatch.setenv("SOME_DAYS", " 5, 10 ")

    assert env_increasing_ints("SOME_DAYS", [7, 14]) == [5, 10]


def test_connections_are_persistent_with_health_checks_and_a_statement_timeout(settings):
    database = settings.DATABASES["default"]

    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "statement_timeout" in database["OPTIONS"]["options"]
