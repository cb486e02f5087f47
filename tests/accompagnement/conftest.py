import uuid

import pytest
from django.core.management import call_command

from accompagnement.models import DiagnosticRequest


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def form_data(demo):
    """What a browser posts for a real small commune: Lalouvesc (07128), 388 inhabitants."""
    return {
        "commune": "07128",
        "epci": "",
        "first_name": "Marie",
        "last_name": "Durand",
        "role": "secretaire",
        "email": "secretariat@mairie-exemple.fr",
        "phone": "04 75 00 00 00",
        "themes": ["donnees", "outils-collaboratifs"],
        "services": ["grist"],
        "needs": "Nous voulons partager nos tableaux avec les élus sans les envoyer par courriel.",
        "consent": "on",
        "submission_key": str(uuid.uuid4()),
        "website": "",
    }


@pytest.fixture
def submitted(client, form_data, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)
    return DiagnosticRequest.objects.get()


@pytest.fixture
def demo_for_transactions(transactional_db, territories):
    """A request in a database that threads can see (committed)."""
    import uuid

    from django.utils import timezone

    from catalogue.models import Thematique

    theme, _ = Thematique.objects.get_or_create(slug="donnees", defaults={"name": "Données"})
    request = DiagnosticRequest(
        commune_id="07128",
        population=388,
        first_name="A",
        last_name="B",
        role="maire",
        email="a@b.fr",
        needs="x" * 30,
        consent_at=timezone.now(),
        submission_key=uuid.uuid4(),
    )
    request.new_token()
    request.save()
    request.themes.set([theme])
    return request
