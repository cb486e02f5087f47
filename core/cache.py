"""The caches' backends: a worker's memory bounded in bytes, or a shared Redis that never takes a page down.

Django's local-memory cache counts entries only: a thousand pages of a long search or of the API at
``page_size=100`` could hold hundreds of megabytes per worker. ``BoundedMemoryCache`` keeps the pickled values
together under ``OPTIONS["MAX_BYTES"]``; the least recently used go first, and a value larger than the whole
budget is not kept at all.

``SharedRedisCache`` is Django's Redis backend (``CACHE_URL``, incubateur/caches.py) for a cache that only
holds what can be built again: when Redis does not answer, a read is a miss and a write is dropped (logged),
so the pages are built as without a cache instead of failing with a 500.
"""

import functools
import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class BoundedMemoryCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 0)) or None

    def size_in_bytes(self) -> int:
        """What the values kept weigh (pickled), in bytes."""
        with self._lock:
            return sum(map(len, self._cache.values()))

    def _set(self, key, value, timeout=None):
        # Called with the lock held and ``value`` already pickled (LocMemCache.set and add).
        if self.max_bytes is not None:
            self._delete(key)
            if len(value) > self.max_bytes:
                return
            used = sum(map(len, self._cache.values()))
            while self._cache and used + len(value) > self.max_bytes:
                oldest, dropped = self._cache.popitem()  # the end of the order is the least recently used
                self._expire_info.pop(oldest, None)
                used -= len(dropped)
        super()._set(key, value, timeout)


def _forgiving(method, answer):
    """``method``, answering ``answer(*arguments)`` instead of raising when Redis cannot be reached."""

    @functools.wraps(method)
    def call(self, *args):
        try:
            return method(self, *args)
        except RedisError as error:
            logger.warning("Shared cache unavailable for %s: %s", method.__name__, error)
            return answer(*args)

    return call


class _ForgivingRedisClient(RedisCacheClient):
    # incr is left as it is: a counter must not silently restart from nothing.
    add = _forgiving(RedisCacheClient.add, lambda *args: False)
    get = _forgiving(RedisCacheClient.get, lambda key, default: default)
    set = _forgiving(RedisCacheClient.set, lambda *args: None)
    touch = _forgiving(RedisCacheClient.touch, lambda *args: False)
    delete = _forgiving(RedisCacheClient.delete, lambda *args: False)
    get_many = _forgiving(RedisCacheClient.get_many, lambda keys: {})
    has_key = _forgiving(RedisCacheClient.has_key, lambda key: False)
    set_many = _forgiving(RedisCacheClient.set_many, lambda *args: None)
    delete_many = _forgiving(RedisCacheClient.delete_many, lambda keys: None)
    clear = _forgiving(RedisCacheClient.clear, lambda: False)


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ForgivingRedisClient
