"""The page cache of a worker stays under its budget in bytes, dropping the least recently used first."""

import pytest

from core.cache import BoundedMemoryCache


@pytest.fixture
def cache():
    cache = BoundedMemoryCache("test-bounded", {"OPTIONS": {"MAX_ENTRIES": 1000, "MAX_BYTES": 10_000}})
    cache.clear()
    return cache


def test_pages_beyond_the_budget_push_out_the_least_recently_used(cache):
    for number in range(10):
        cache.set(f"page-{number}", b"x" * 2_000)
        cache.get("page-0")  # read again: kept

    assert cache.size_in_bytes() <= 10_000
    assert cache.get("page-0") is not None
    assert cache.get("page-9") is not None
    assert cache.get("page-1") is None


def test_a_page_larger_than_the_whole_budget_is_not_kept(cache):
    cache.set("small", b"x" * 100)

    cache.set("huge", b"x" * 20_000)

    assert cache.get("huge") is None
    assert cache.get("small") is not None


def test_replacing_a_page_counts_it_once(cache):
    for _ in range(20):
        cache.set("same", b"x" * 4_000)

    assert cache.get("same") is not None
    assert cache.size_in_bytes() < 4_100


def test_the_portal_s_page_cache_has_a_budget_in_bytes(settings):
    from django.core.cache import caches

    assert isinstance(caches["pages"], BoundedMemoryCache)
    assert caches["pages"].max_bytes == 64 * 1024 * 1024


@pytest.mark.django_db
def test_large_pages_served_by_the_site_stay_within_the_worker_s_budget(territories, settings):
    from django.core.cache import caches
    from django.test import Client

    from tests.catalogue.factories import ServiceFactory

    budget = 200_000
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "core.cache.BoundedMemoryCache", "LOCATION": "budget", "OPTIONS": {"MAX_BYTES": budget}},
    }
    for number in range(5):
        ServiceFactory(name=f"Service numéro {number}", description="Une longue description. " * 500)
    visitor = Client()

    pages = [visitor.get("/api/services/", {"page_size": 100, "ordre": number}) for number in range(12)]

    kept = caches["pages"]
    assert all(page.status_code == 200 and len(page.content) > 40_000 for page in pages)
    assert all(page["X-Page-Cache"] == "miss" for page in pages)
    assert 0 < kept.size_in_bytes() <= budget
    # The latest pages are served from the cache, the first ones were pushed out to make room.
    assert visitor.get("/api/services/", {"page_size": 100, "ordre": 11})["X-Page-Cache"] == "hit"
    assert visitor.get("/api/services/", {"page_size": 100, "ordre": 0})["X-Page-Cache"] == "miss"
