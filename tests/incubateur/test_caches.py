"""CACHE_URL: unset, each worker keeps its own bounded copies; a Redis URL shares them; anything else stops the
start. A shared cache that stops answering costs speed, never a page."""

import logging

import pytest
from django.core.cache import caches as configured
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from core.cache import BoundedMemoryCache
from incubateur.caches import caches
from tests.production import free_port, manage


def test_without_cache_url_each_worker_keeps_its_pages_within_its_budget():
    settings = caches({"PAGE_CACHE_MAX_MB": "8", "PAGE_CACHE_MAX_ENTRIES": "50"})

    assert settings["pages"]["BACKEND"] == "core.cache.BoundedMemoryCache"
    assert settings["pages"]["OPTIONS"] == {"MAX_ENTRIES": 50, "MAX_BYTES": 8 * 1024 * 1024}
    assert settings["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_redis_url_shares_both_caches_with_keys_of_the_release():
    settings = caches({"CACHE_URL": "redis://cache.internal:6379/2", "SOURCE_VERSION": "4f2c9e1"})

    with override_settings(CACHES=settings):
        assert isinstance(configured["pages"], RedisCache)
        assert isinstance(configured["default"], RedisCache)
        assert configured["pages"].make_key("page") == "portail:4f2c9e1:pages:1:page"
        assert configured["default"].make_key("page") == "portail:4f2c9e1:default:1:page"
    assert {cache["LOCATION"] for cache in settings.values()} == {"redis://cache.internal:6379/2"}


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "locmem://"])
def test_a_cache_url_that_is_not_redis_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a Redis or Valkey URL"):
        caches({"CACHE_URL": url})


def test_a_malformed_page_budget_is_refused():
    with pytest.raises(ImproperlyConfigured, match="PAGE_CACHE_MAX_MB must be a non-negative integer"):
        caches({"PAGE_CACHE_MAX_MB": "64M"})


def test_production_does_not_start_with_a_cache_url_it_cannot_use(production):
    completed = manage("check", env={**production, "CACHE_URL": "memcached://127.0.0.1:11211"})

    assert completed.returncode != 0
    assert "CACHE_URL must be a Redis or Valkey URL" in completed.stderr


@pytest.mark.django_db
def test_public_pages_are_served_when_the_shared_cache_does_not_answer(territories, caplog):
    # Nothing listens on this port: every cache operation fails at once.
    unreachable = caches({"CACHE_URL": f"redis://127.0.0.1:{free_port()}/0"})

    with override_settings(CACHES=unreachable), caplog.at_level(logging.WARNING, logger="core.cache"):
        assert not isinstance(configured["pages"], BoundedMemoryCache)
        answers = [Client().get("/mentions-legales/") for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert all(
        "<h1" in answer.content.decode() and "Mentions légales" in answer.content.decode() for answer in answers
    )
    assert [answer["X-Page-Cache"] for answer in answers] == ["miss", "miss"]
    assert "Shared cache unavailable" in caplog.text


@pytest.fixture
def shared_cache():
    """Both caches in one Redis (fakeredis: a Redis in memory, as no test may need a server of the machine)."""
    import fakeredis

    settings = caches({"CACHE_URL": "redis://cache.internal:6379/0"})
    redis = {"connection_class": fakeredis.FakeRedisConnection, "server": fakeredis.FakeServer()}
    for cache in settings.values():
        cache["OPTIONS"] = {**cache["OPTIONS"], **redis}
    with override_settings(CACHES=settings):
        yield


def _another_server():
    # What a process of its own starts with: new connections to the cache, nothing built in its memory.
    from asgiref.local import Local
    from django.core.cache import caches as handler

    from core import pagecache

    handler._connections = Local(handler.thread_critical)
    pagecache._BUILT.clear()


@pytest.mark.django_db
def test_with_a_shared_cache_a_page_built_by_one_server_is_served_by_the_next_until_a_write(territories, shared_cache):
    from tests.catalogue.factories import ServiceFactory

    first = Client().get("/services/")
    _another_server()
    second = Client().get("/services/")
    ServiceFactory(name="Registre des arrêtés")
    _another_server()
    third = Client().get("/services/")

    assert [first["X-Page-Cache"], second["X-Page-Cache"], third["X-Page-Cache"]] == ["miss", "hit", "miss"]
    assert second.content == first.content
    assert "Registre des arrêtés" not in second.content.decode()
    assert "Registre des arrêtés" in third.content.decode()
