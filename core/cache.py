"""A worker's memory cache bounded in bytes as well as in entries (the whole-page cache uses it).

Django's local-memory cache counts entries only: a thousand pages of a long search or of the API at
``page_size=100`` could hold hundreds of megabytes per worker. Here the pickled values together stay under
``OPTIONS["MAX_BYTES"]``; the least recently used go first, and a value larger than the whole budget is not
kept at all.
"""

from django.core.cache.backends.locmem import LocMemCache


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
