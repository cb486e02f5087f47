import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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


@pytest.fixture
def chargee(db):
    """A staff member of the real triage group (created by a data migration)."""
    # A transactional test elsewhere may have flushed the group: create it again the migration's way.
    importlib.import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    user = get_user_model().objects.create_user(
        "chargee", "chargee@anct.gouv.fr", "motdepasse", is_staff=True, first_name="Camille", last_name="Martin"
    )
    user.groups.add(Group.objects.get(name="Chargé·e d'accompagnement"))
    return user
