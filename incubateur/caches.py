"""The caches from the environment: each worker's memory by default, or one shared Redis (or Valkey) named by
``CACHE_URL``, into ``CACHES``.

Both caches hold what can be built again (whole public pages keyed by the content generation, the page
chrome): with memory, each worker builds its own copies; with a shared cache, one copy serves every worker of
every server, and a restart or a new server starts warm. The keys carry the release (``SOURCE_VERSION`` on
Scalingo, ``COMMIT_ID`` on Clever Cloud), so a deployment never serves the previous release's pages, whose
links name static files that no longer exist.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from incubateur.environment import env_int

SHARED_SCHEMES = ("redis", "rediss", "unix")
RELEASE_VARIABLES = ("SOURCE_VERSION", "COMMIT_ID")
# A cache server that stops answering must not hold a request: each operation gives up after this (seconds),
# and the page is built as if nothing were cached (core.cache.SharedRedisCache).
SHARED_TIMEOUT = 0.5


def caches(environ) -> dict:
    """``CACHES``: the default cache and ``pages`` (core/pagecache.py and the page chrome)."""
    url = environ.get("CACHE_URL", "").strip()
    if not url:
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
            "pages": {
                "BACKEND": "core.cache.BoundedMemoryCache",
                "LOCATION": "pages",
                "OPTIONS": {
                    "MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 1_000, environ),
                    # What the kept pages may weigh in each worker's memory, in megabytes.
                    "MAX_BYTES": env_int("PAGE_CACHE_MAX_MB", 64, environ) * 1024 * 1024,
                },
            },
        }
    if urlsplit(url).scheme not in SHARED_SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis or Valkey URL (redis://, rediss:// or unix://), not {url.split(':')[0]!r}."
        )
    release = next((environ[name] for name in RELEASE_VARIABLES if environ.get(name)), "")
    shared = {
        "BACKEND": "core.cache.SharedRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": SHARED_TIMEOUT, "socket_timeout": SHARED_TIMEOUT},
    }
    return {
        "default": {**shared, "KEY_PREFIX": f"portail:{release}:default"},
        "pages": {**shared, "KEY_PREFIX": f"portail:{release}:pages"},
    }
