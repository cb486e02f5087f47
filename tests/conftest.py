import pytest
from django.test import override_settings

from territoires.importer import import_territories
from territoires.models import Commune


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real official territories once into the test database (kept between runs by --reuse-db)."""
    with django_db_blocker.unblock():
        if not Commune.objects.exists():
            import_territories()


@pytest.fixture
def territories(db):
    """The real territories, reloaded if a transactional test flushed them."""
    if not Commune.objects.exists():
        import_territories()
