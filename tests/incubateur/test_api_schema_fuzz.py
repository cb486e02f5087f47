"""schemathesis: every endpoint of /api/schema/, every documented parameter, generated values.

No 5xx, every answer (status, content type, headers, body) matches what the schema documents, and values
the schema forbids are refused. Values the schema allows may still be refused with a documented 400: an
unknown thématique or enjeu slug, a search of blanks; a schema cannot list what the database holds.
"""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from incubateur.wsgi import application

# Loading the schema asks the application for /api/schema/, which reads no table.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("demo")
@schema.parametrize()
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure found once is found again
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_every_generated_request_as_documented(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
