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
