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
