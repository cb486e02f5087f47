"""Outgoing e-mail from the environment: ``EMAIL_URL`` or the usual ``EMAIL_*`` variables, into ``MAILERS``.

Every option a backend takes reaches it (host, port, credentials, TLS, timeout and certificates for SMTP,
the folder of the file backend); an option that the chosen backend cannot use is a configuration error
rather than something silently dropped.
"""

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from incubateur.environment import env_bool, env_int

SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# A mail server that never answers must not hold the worker: every SMTP operation gives up after this.
DEFAULT_SMTP_TIMEOUT = 10

# Django setting name -> option of the backend's constructor (MAILERS["default"]["OPTIONS"]).
SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
    "EMAIL_SSL_KEYFILE": "ssl_keyfile",
    "EMAIL_SSL_CERTFILE": "ssl_certfile",
}
FILE_OPTIONS = {"EMAIL_FILE_PATH": "file_path"}
BOOLEANS = {"EMAIL_USE_TLS", "EMAIL_USE_SSL"}
INTEGERS = {"EMAIL_PORT", "EMAIL_TIMEOUT"}


def _from_variables(environ, *, development: bool) -> dict:
    values = {"EMAIL_BACKEND": environ.get("EMAIL_BACKEND", "").strip() or (CONSOLE if development else SMTP)}
    for name in {*SMTP_OPTIONS, *FILE_OPTIONS}:
        if name in BOOLEANS:
            values[name] = env_bool(name, False, environ)
        elif name in INTEGERS and environ.get(name, "").strip():
            values[name] = env_int(name, 0, environ)
        elif environ.get(name, "").strip():
            values[name] = environ[name].strip()
    if values["EMAIL_BACKEND"] == SMTP:
        values.setdefault("EMAIL_HOST", "localhost")
    return values


def _from_url(url: str) -> dict:
    try:
        parsed = dj_email_url.parse(url)
    except (KeyError, ValueError) as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {error}") from error
    if "EMAIL_BACKEND" not in parsed:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: unknown scheme in {url.split(':')[0]!r}.")
    if parsed["EMAIL_BACKEND"] == FILE and parsed.get("EMAIL_FILE_PATH"):
        # dj-email-url drops the leading slash of file:///var/mail; the path of a URL is absolute.
        parsed["EMAIL_FILE_PATH"] = "/" + parsed["EMAIL_FILE_PATH"].lstrip("/")
    return {key: value for key, value in parsed.items() if value not in (None, "")}


def mailers(environ, *, development: bool) -> dict:
    """The ``MAILERS`` setting for this environment (``development``: console e-mails by default)."""
    if environ.get("EMAIL_URL"):
        values = _from_url(environ["EMAIL_URL"])
    else:
        values = _from_variables(environ, development=development)
    backend = values.pop("EMAIL_BACKEND")
    # A flag that is off is the default (dj-email-url reports both TLS flags, off, for every URL).
    values = {name: value for name, value in values.items() if value is not False}
    accepted = {SMTP: SMTP_OPTIONS, FILE: FILE_OPTIONS}.get(backend, {})
    if unused := sorted(set(values) - set(accepted)):
        raise ImproperlyConfigured(f"{', '.join(unused)} cannot be used with the e-mail backend {backend}.")
    options = {accepted[name]: value for name, value in values.items() if name in accepted}
    if backend == SMTP:
        options.setdefault("timeout", DEFAULT_SMTP_TIMEOUT)
        if options.get("use_tls") and options.get("use_ssl"):
            raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    if backend == FILE and not options.get("file_path"):
        raise ImproperlyConfigured("The file e-mail backend needs EMAIL_FILE_PATH (or EMAIL_URL=file:///folder).")
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
