"""schemathesis: every endpoint of /api/schema/, every documented parameter, generated values.

No 5xx, every answer (status, content type, headers, body) matches what the schema documents, and values
the schema forbids are refused. Values the schema allows may still be refused with a documented 400: an
unknown thématique or enjeu slug, a search of blanks; a schema cannot list what the database holds.
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance


def _schema():
    """The document /api/schema/ serves, built in process: collection comes before the test settings
    (allowed hosts), and building it reads no table. The cases then go through the WSGI application."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application
    return loaded


class LateApplication:
    """The WSGI application, built in the test: middleware reads settings (the tests' plain HTTP) when built."""

    handler = None

    def __call__(self, environ, start_response):
        return self.handler(environ, start_response)


application = LateApplication()
schema = _schema()


@pytest.fixture
def demo(db, territories, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the host schemathesis sends
    call_command("load_demo", verbosity=0)
    application.handler = WSGIHandler()
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
    # The WSGI transport does not undo gzip as an HTTP client does: ask for the plain body (gzip has its tests).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance])
