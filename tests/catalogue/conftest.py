import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db, territories):
    """The real catalogue and enjeux of the demo data."""
    call_command("load_demo", verbosity=0)
