"""The portal as it is deployed, for the tests that check it: production settings in subprocesses.

Production is what runs with ``DATABASE_URL`` set and ``DEBUG`` off: the manifest static storage filled by
``collectstatic``, gunicorn, the real Content-Security-Policy, HTTPS-only cookies and HSTS, and the
database task worker. Tests point those processes at a database of the test run's own PostgreSQL server
(the embedded one of ``make test``, or CI's), never at a server the machine may or may not have.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "a-long-and-random-production-secret-key-0123456789-abcdefghij"
# Variables of the test process that must not leak into a production process.
DEVELOPMENT_ONLY = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """A ``DATABASE_URL`` for Django's connection settings (a Unix socket folder as host works too)."""
    host = settings_dict.get("HOST") or ""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{quote(host, safe='')}{port}/{quote(name or settings_dict['NAME'], safe='')}"


def production_environment(database: str, **overrides: str) -> dict:
    """The environment of a production process on ``database`` (a ``DATABASE_URL``)."""
    base = {key: value for key, value in os.environ.items() if key not in DEVELOPMENT_ONLY}
    return {
        **base,
        "DATABASE_URL": database,
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "incubateur.anct.gouv.fr",
        **overrides,
    }


def manage(*args: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with ``env``, as the platform would."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
