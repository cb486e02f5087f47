"""Outgoing e-mail settings: every option reaches the backend, a contradictory one stops the start."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from incubateur.mailers import mailers
from tests.production import manage

FILE = "django.core.mail.backends.filebased.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_a_developer_machine_prints_e_mails_and_production_sends_them_by_smtp_with_a_timeout():
    development = mailers({}, development=True)["default"]
    production = mailers({}, development=False)["default"]

    assert development == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    assert production == {"BACKEND": SMTP, "OPTIONS": {"host": "localhost", "timeout": 10}}


def test_every_smtp_variable_reaches_the_backend():
    environ = {
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "portail",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_SSL": "true",
        "EMAIL_TIMEOUT": "4",
        "EMAIL_SSL_CERTFILE": "/etc/ssl/client.pem",
        "EMAIL_SSL_KEYFILE": "/etc/ssl/client.key",
    }

    options = mailers(environ, development=False)["default"]["OPTIONS"]

    assert options == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "portail",
        "password": "secret",
        "use_ssl": True,
        "timeout": 4,
        "ssl_certfile": "/etc/ssl/client.pem",
        "ssl_keyfile": "/etc/ssl/client.key",
    }


def test_an_email_url_gives_the_same_options():
    config = mailers(
        {"EMAIL_URL": "smtp://portail:secret@smtp.example.org:587/?tls=True&timeout=3"}, development=False
    )

    assert config["default"] == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 587,
            "username": "portail",
            "password": "secret",
            "use_tls": True,
            "timeout": 3,
        },
    }


@pytest.mark.parametrize(
    "environ",
    [
        {"EMAIL_BACKEND": FILE, "EMAIL_FILE_PATH": "/var/mail/portail"},
        {"EMAIL_URL": "file:///var/mail/portail"},
    ],
)
def test_the_file_backend_gets_its_folder(environ):
    assert mailers(environ, development=False)["default"] == {
        "BACKEND": FILE,
        "OPTIONS": {"file_path": "/var/mail/portail"},
    }


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMAIL_BACKEND": FILE}, "needs EMAIL_FILE_PATH"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "EMAIL_HOST": "x"}, "EMAIL_HOST cannot"),
        ({"EMAIL_USE_TLS": "peut-être"}, "EMAIL_USE_TLS must be true or false"),
        ({"EMAIL_PORT": "vingt-cinq"}, "EMAIL_PORT must be a non-negative integer"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
        ({"EMAIL_URL": "gopher://mail.example.org"}, "EMAIL_URL is not a valid e-mail URL"),
    ],
)
def test_an_option_the_backend_cannot_use_stops_the_start(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        mailers(environ, development=False)


def test_production_writes_e_mails_where_email_file_path_says(production, tmp_path):
    production.update(EMAIL_BACKEND=FILE, EMAIL_FILE_PATH=str(tmp_path / "courriels"))

    completed = manage("sendtestemail", "agent@mairie-condat.fr", env=production)

    assert completed.returncode == 0, completed.stderr
    [written] = (tmp_path / "courriels").iterdir()
    assert "To: agent@mairie-condat.fr" in written.read_text()
