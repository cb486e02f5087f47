"""The portal as it is deployed, for the tests that check it: production settings in subprocesses.

Production is what runs with ``DATABASE_URL`` set and ``DEBUG`` off: the manifest static storage filled by
``collectstatic``, gunicorn, the real Content-Security-Policy, HTTPS-only cookies and HSTS, and the
database task worker. Tests point those processes at a database of the test run's own PostgreSQL server
(the embedded one of ``make test``, or CI's), never at a server the machine may or may not have.
"""

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, so that gunicorn serves HTTPS as the platform's edge does."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class DeployedSite:
    """The portal deployed from nothing on a database of its own: the platform's release steps (migrate,
    territories, demo data, collectstatic), then gunicorn with two workers over HTTPS (on each of ``ports``:
    several servers scaled out on one database) and the task worker."""

    def __init__(
        self, *, admin_settings: dict, database: str, folder: Path, ports: list[int] | None = None, tls: bool = True,
        **environment: str,
    ):  # fmt: skip
        """``ports``: one gunicorn server on each (one free port by default), all on the same database and
        worker; ``tls``: gunicorn terminates HTTPS itself (without it, a balancer in front does)."""
        self.admin_settings, self.database_name, self.folder, self.tls = admin_settings, database, folder, tls
        self.ports = ports or [free_port()]
        self.urls = [f"{'https' if tls else 'http'}://127.0.0.1:{port}" for port in self.ports]
        self.port, self.url = self.ports[0], self.urls[0]
        self.mail_dir = folder / "courriels"
        self.processes: list[subprocess.Popen] = []
        defaults = {
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.url,
            # gunicorn terminates TLS itself here: nothing sits in front to add X-Forwarded-* headers.
            "TRUSTED_PROXY_HOPS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
        }
        self.env = production_environment(database_url(admin_settings, database), **{**defaults, **environment})

    def _admin(self, statement: str) -> None:
        import psycopg

        params = {
            "host": self.admin_settings.get("HOST") or None,
            "port": self.admin_settings.get("PORT") or None,
            "user": self.admin_settings.get("USER") or None,
            "password": self.admin_settings.get("PASSWORD") or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
            conn.execute(statement)

    def release(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database_name}"')
        for step in (["migrate", "--no-input"], ["import_territoires"], ["load_demo"],
                     ["collectstatic", "--no-input", "--clear"]):  # fmt: skip
            completed = manage(*step, env=self.env, timeout=600)
            if completed.returncode != 0:
                raise RuntimeError(f"manage.py {' '.join(step)} failed:\n{completed.stderr[-3000:]}")

    def start(self) -> None:
        tls = []
        if self.tls:
            cert, key = self_signed_certificate(self.folder)
            tls = ["--certfile", str(cert), "--keyfile", str(key)]
        gunicorn = Path(sys.executable).parent / "gunicorn"
        # web.log for the first server, web-2.log for the second...
        names = ["web", *(f"web-{number}" for number in range(2, len(self.ports) + 1)), "worker"]
        self.logs = logs = [(self.folder / f"{name}.log").open("w") for name in names]
        self.processes = [
            *(
                subprocess.Popen(
                    [str(gunicorn), "incubateur.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", *tls,
                     "--timeout", "30"],
                    cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                )
                for port, log in zip(self.ports, logs, strict=False)
            ),
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
                cwd=ROOT, env=self.env, stdout=logs[-1], stderr=subprocess.STDOUT,
            ),
        ]  # fmt: skip
        for url, name in zip(self.urls, names, strict=False):
            self._wait_for(url, name)

    def _wait_for(self, url: str, log_name: str) -> None:
        context = ssl._create_unverified_context()  # noqa: S323 (our own throwaway certificate)
        # A loaded machine (the suite beside other work on two cores) can take a while to boot two workers.
        deadline = time.monotonic() + 180
        last_error = None
        while True:
            try:
                # Behind a balancer (no TLS here), production redirects plain HTTP unless the proxy says HTTPS.
                request = urllib.request.Request(f"{url}/sante/", headers={"X-Forwarded-Proto": "https"})
                with urllib.request.urlopen(request, context=context, timeout=10) as response:
                    if response.status == 200:
                        return
            except OSError as error:
                last_error = error
            if time.monotonic() > deadline or any(process.poll() is not None for process in self.processes):
                self.stop()
                log = (self.folder / f"{log_name}.log").read_text()[-3000:]
                raise RuntimeError(f"gunicorn did not answer {url}/sante/ ({last_error!r}):\n{log}")
            time.sleep(0.3)

    def log(self, name: str = "web") -> str:
        return (self.folder / f"{name}.log").read_text()

    def emails(self) -> list[str]:
        """The e-mails the worker has sent, as written by Django's file backend."""
        if not self.mail_dir.exists():
            return []
        return [path.read_text() for path in sorted(self.mail_dir.iterdir())]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        for log in getattr(self, "logs", ()):
            log.close()

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
