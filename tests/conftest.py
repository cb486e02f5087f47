import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import pagecache
from territoires.importer import import_territories
from territoires.models import Commune, Departement, Epci, Region
from tests.production import database_url, production_environment


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Values only tests need: plain static storage (no collectstatic) and plain HTTP for the test client."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        SECURE_SSL_REDIRECT=False,
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached page: tests change settings that pages show, not only data."""
    caches["pages"].clear()
    pagecache._BUILT.clear()


# Parents first: the order in which a snapshot is written back.
TERRITORY_TABLES = [model._meta.db_table for model in (Region, Departement, Epci, Commune)]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real official territories once into the test database (kept between runs by --reuse-db),
    and keep them as PostgreSQL COPY data: writing them back takes a second, importing them 13."""
    snapshot = {}
    with django_db_blocker.unblock():
        if not Commune.objects.exists():
            import_territories()
        with connection.cursor() as cursor:
            for table in TERRITORY_TABLES:
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                    snapshot[table] = b"".join(bytes(block) for block in copy)
    return snapshot


@pytest.fixture
def territories(db, django_db_setup):
    """The real territories, written back (and committed) if a transactional test emptied their tables.

    The copy goes through a connection of its own, outside the test's transaction, so that it stays for
    the tests that follow instead of being rolled back with this one.
    """
    if Commune.objects.exists():
        return
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as restore:
        with restore.transaction():
            for table in TERRITORY_TABLES:
                if not restore.execute(f'SELECT EXISTS (SELECT FROM "{table}")').fetchone()[0]:
                    with restore.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(django_db_setup[table])


def login_with_second_factor(client, user):
    """Log ``user`` in as after a password and a valid one-time password (django-otp)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the second factor the admin requires in production."""
    login_with_second_factor(client, admin_user)
    return client


@pytest.fixture
def production(db):
    """Production variables on the test run's own database (whatever server `make test` or CI started)."""
    return production_environment(database_url(connection.settings_dict))
