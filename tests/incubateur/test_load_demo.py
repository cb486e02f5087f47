from io import StringIO

import pytest
from django.core.management import call_command

from accompagnement.models import DiagnosticRequest
from catalogue.models import Service


@pytest.mark.django_db
def test_the_example_request_is_left_out_outside_the_embedded_database(settings, territories):
    """Its follow-up address is known to anyone reading the code: it never reaches a production database,
    while `make run` on a DATABASE_URL still loads the rest of the demo."""
    settings.DEVELOPMENT = False
    errors = StringIO()
    call_command("load_demo", "--exemple-ansm", stdout=StringIO(), stderr=errors)
    assert "non chargée" in errors.getvalue()
    assert not DiagnosticRequest.objects.exists()
    assert Service.objects.exists()
