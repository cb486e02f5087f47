"""A NUL character anywhere in a request is refused in French (404 or 400), on every route, never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.usefixtures("territories")

PLACEHOLDER = "zz-placeholder-zz"


def _routes(patterns=None, prefix=""):
    """Every route of the site as a path, each captured argument replaced by PLACEHOLDER (or 1 for ints)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        route = re.sub(r"<int:\w+>", "1", route)
        route = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", PLACEHOLDER, route)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "(?" not in route:
            yield "/" + prefix + route


ROUTES = sorted(set(_routes()))
ROUTES_WITH_ARGUMENTS = [route for route in ROUTES if PLACEHOLDER in route]


@pytest.fixture
def clients(admin_client):
    """The admin client for admin routes (signed in with the second factor), a visitor everywhere else."""
    visitor = Client(raise_request_exception=False)
    admin_client.raise_request_exception = False
    return lambda path: admin_client if path.startswith("/admin/") else visitor


def _french_error(response, status: int, api_message: str, page_heading: str) -> bool:
    if response.status_code != status:
        return False
    if response["Content-Type"].startswith("application/json"):
        return response.json() == {"detail": api_message}
    return page_heading in response.content.decode()


def test_the_walk_finds_the_routes_of_every_app():
    assert len(ROUTES) > 60
    for expected in [
        "/services/zz-placeholder-zz/",
        "/api/services/zz-placeholder-zz/",
        "/consultation/enjeux/zz-placeholder-zz/",
    ]:
        assert expected in ROUTES


def test_a_nul_in_a_path_is_not_found_on_every_route(clients):
    wrong = {}
    for path in ROUTES_WITH_ARGUMENTS:
        response = clients(path).get(path.replace(PLACEHOLDER, "a%00b"))
        if not _french_error(response, 404, "Ressource introuvable.", "Page non trouvée"):
            wrong[path] = response.status_code

    assert wrong == {}


def test_a_nul_in_a_query_parameter_is_a_bad_request_on_every_route(clients):
    wrong = {}
    for path in ROUTES:
        path = path.replace(PLACEHOLDER, "x")
        for query in ({"q": "a\x00b"}, {"status": "\x00"}, {"term": "\x00"}, {"a\x00": "1"}):
            response = clients(path).get(path, query)
            if not _french_error(response, 400, "Requête invalide.", "Requête incorrecte"):
                wrong[f"{path} {query}"] = response.status_code

    assert wrong == {}


def test_a_nul_in_the_admin_filters_and_autocomplete_is_a_bad_request(admin_client):
    assert admin_client.get("/admin/accompagnement/diagnosticrequest/", {"status": "\x00"}).status_code == 400
    assert admin_client.get("/admin/autocomplete/", {"term": "\x00", "app_label": "catalogue"}).status_code == 400


def test_a_nul_in_a_form_field_is_a_bad_request_and_saves_nothing(client):
    from accompagnement.models import DiagnosticRequest

    response = Client(raise_request_exception=False).post("/accompagnement/demande/", {"commune": "Condat\x00"})

    assert response.status_code == 400
    assert DiagnosticRequest.objects.count() == 0


def test_a_nul_in_a_cookie_is_a_bad_request():
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"

    response = client.get("/services/")

    assert response.status_code == 400
