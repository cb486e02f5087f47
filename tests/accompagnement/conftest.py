import pytest
from django.core.management import call_command

from accompagnement.models import DiagnosticRequest
from catalogue.models import Thematique
from tests.accompagnement.factories import form_post, saved_request


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def form_data(demo):
    """What a browser posts for a real small commune: Lalouvesc (07128), 388 inhabitants."""
    return form_post()


@pytest.fixture
def submitted(client, form_data, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)
    return DiagnosticRequest.objects.get()


@pytest.fixture
def demo_for_transactions(transactional_db, territories):
    """A request in a database that threads can see (committed)."""
    theme, _ = Thematique.objects.get_or_create(slug="donnees", defaults={"name": "Données"})
    request, _ = saved_request(first_name="A", last_name="B", role="maire", email="a@b.fr", needs="x" * 30)
    request.themes.set([theme])
    return request
