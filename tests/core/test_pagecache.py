"""The whole-page cache of public pages: served without work, never stale, never personal."""

import gzip

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client

from catalogue.models import Service
from core.pagecache import TRIGGER_NAME, public_tables
from tests.catalogue.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("territories")


@pytest.fixture
def visitor():
    return Client()


def test_a_public_page_is_served_from_the_cache_with_one_query(visitor, django_assert_num_queries):
    service = ServiceFactory(name="Registre des arrêtés")
    first = visitor.get("/services/")
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(1):  # the content generation, nothing else
        again = visitor.get("/services/")

    assert again["X-Page-Cache"] == "hit"
    assert service.name in again.content.decode()
    assert again.content == first.content
    assert visitor.get(service.get_absolute_url())["X-Page-Cache"] == "miss"


def test_each_query_string_is_its_own_page(visitor):
    ServiceFactory(name="Registre des arrêtés")
    ServiceFactory(name="Covoiturage solidaire")

    assert "Covoiturage" not in visitor.get("/services/", {"q": "registre"}).content.decode()
    assert "Covoiturage" in visitor.get("/services/", {"q": "covoiturage"}).content.decode()


def test_a_staff_edit_in_the_admin_shows_at_once(visitor, admin_client):
    service = ServiceFactory(name="Registre des arrêtés")
    assert "Registre des arrêtés" in visitor.get(service.get_absolute_url()).content.decode()

    response = admin_client.post(
        "/admin/catalogue/service/", {"action": "unpublish", "_selected_action": [service.pk]}, follow=True
    )
    assert response.status_code == 200

    assert visitor.get(service.get_absolute_url()).status_code == 404
    assert "Registre des arrêtés" not in visitor.get("/services/").content.decode()


def test_a_bulk_update_outside_the_orm_signals_invalidates_too(visitor):
    service = ServiceFactory(name="Registre des arrêtés")
    visitor.get("/api/services/")

    Service.objects.filter(pk=service.pk).update(name="Registre des délibérations")

    response = visitor.get("/api/services/")
    assert response["X-Page-Cache"] == "miss"
    assert "Registre des délibérations" in response.content.decode()


def test_every_table_of_the_public_apps_invalidates_the_cache():
    tables = set(public_tables(apps))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [TRIGGER_NAME],
        )
        triggered = {row[0] for row in cursor.fetchall()}

    assert len(tables) > 10
    assert tables - triggered == set(), "a new table needs the trigger: add a migration like incubateur 0001"


def test_a_signed_in_visitor_always_gets_a_fresh_page(admin_client, visitor):
    visitor.get("/services/")

    response = admin_client.get("/services/")

    assert "X-Page-Cache" not in response


@pytest.mark.parametrize(
    "path", ["/accompagnement/", "/accompagnement/demande/", "/sante/", "/api/accompagnement/stats/"]
)
def test_forms_and_live_answers_are_never_cached(visitor, path):
    visitor.get(path)

    assert "X-Page-Cache" not in visitor.get(path)


def test_a_page_that_sets_a_cookie_is_not_kept(visitor):
    visitor.get("/accompagnement/demande/")  # sets the CSRF cookie

    assert not visitor.cookies.get("sessionid")
    assert visitor.get("/services/")["X-Page-Cache"] == "miss"
    assert visitor.get("/services/")["X-Page-Cache"] == "hit"


def test_a_browser_revalidating_gets_304(visitor):
    etag = visitor.get("/consultation/")["ETag"]

    response = visitor.get("/consultation/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_the_api_keeps_json_and_its_html_view_apart(visitor):
    ServiceFactory(name="Registre des arrêtés")
    assert visitor.get("/api/services/", headers={"Accept": "application/json"})["Content-Type"] == "application/json"

    html = visitor.get("/api/services/", headers={"Accept": "text/html"})

    assert html["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "forged",
    [
        {"HTTP_HOST": "127.0.0.1:6666"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_PROTO": "https"},
    ],
)
def test_a_forged_host_or_scheme_never_reaches_the_next_visitor(visitor, forged, settings):
    # Allowed hosts the attacker may still name (a deployment serving several names).
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    ServiceFactory(name="Registre des arrêtés")
    attacker = visitor.get("/api/services/", headers={"Accept": "application/json"}, **forged)
    assert attacker.status_code == 200
    assert attacker["X-Page-Cache"] == "miss"

    honest = Client().get("/api/services/", headers={"Accept": "application/json"})

    assert honest["X-Page-Cache"] == "miss"
    assert honest.json()["results"][0]["url"].startswith("http://testserver/api/services/")
    assert "6666" not in honest.content.decode() and "https://" not in honest.content.decode()
    assert Client().get("/api/services/", headers={"Accept": "application/json"})["X-Page-Cache"] == "hit"


def test_a_host_outside_allowed_hosts_is_refused_before_the_cache(visitor):
    response = visitor.get("/services/", HTTP_HOST="attaquant.example")

    assert response.status_code == 400
    assert "X-Page-Cache" not in response


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(visitor):
    visitor.get("/services/")
    visitor.cookies["messages"] = "quelque-chose"

    assert "X-Page-Cache" not in visitor.get("/services/")


def test_a_browser_that_takes_gzip_gets_the_page_compressed_and_one_that_does_not_gets_it_plain(visitor):
    ServiceFactory(name="Registre des arrêtés")
    plain = visitor.get("/services/")

    compressed = visitor.get("/services/", headers={"Accept-Encoding": "gzip, deflate, br"})
    again = visitor.get("/services/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip" and compressed["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit" and again.content == compressed.content
    assert "Registre des arrêtés" in gzip.decompress(again.content).decode()
    assert len(again.content) * 3 < len(plain.content)
    assert "Content-Encoding" not in visitor.get("/services/") and "Accept-Encoding" in plain["Vary"]


def test_each_worker_s_compressed_copy_has_the_same_etag_so_a_repeat_visit_gets_304(visitor):
    ServiceFactory(name="Registre des arrêtés")
    first = visitor.get("/services/", headers={"Accept-Encoding": "gzip"})
    caches["pages"].clear()  # the other worker, with a cache of its own

    other = visitor.get("/services/", headers={"Accept-Encoding": "gzip"})
    revalidated = visitor.get("/services/", headers={"Accept-Encoding": "gzip", "If-None-Match": other["ETag"]})

    assert first.content != other.content  # gzip's random bytes
    assert first["ETag"] == other["ETag"] and first["ETag"].startswith('W/"')
    assert revalidated.status_code == 304 and revalidated.content == b""
