"""Whole-page cache of the public pages, which do not depend on the visitor.

A page is kept per URL (path and query string) and per *content generation*: a number in PostgreSQL
that statement-level triggers on every table of the public apps (territoires, consultation,
catalogue) replace, from a sequence, in the same transaction as the write. Staff edits in the admin,
imports, bulk updates and raw SQL all change it when they commit, and a write that rolls back changes
nothing, so a cached page never outlives the data it shows, in any worker of any server. Reading the
generation is one primary-key lookup; a page served from the cache runs no other query and skips the
session, CSRF, authentication and view layers.

Only named routes are cached (``CACHED_ROUTES``), only for visitors without a session or message cookie
(staff always see fresh pages), and only responses that are plain 200s: no cookie set, no session or CSRF
token used, not streamed, not marked private.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_response_headers, set_response_etag

GENERATION_TABLE = "incubateur_public_generation"
GENERATION_SEQUENCE = "incubateur_public_generation_seq"
GENERATION_FUNCTION = "incubateur_bump_public_generation"
TRIGGER_NAME = "incubateur_public_generation_bump"
# The apps whose tables feed public pages; a write to any of their tables invalidates every page.
PUBLIC_APPS = ("territoires", "consultation", "catalogue")

CACHED_ROUTES = frozenset(
    {
        "home",
        "accessibilite",
        "mentions_legales",
        "donnees_personnelles",
        "plan_du_site",
        "catalogue:service_list",
        "catalogue:service_detail",
        "catalogue:service_publiccode",
        "consultation:home",
        "consultation:enjeu_detail",
        "consultation:contribution_list",
        "consultation:contribution_detail",
        "consultation:investigation_list",
        *(
            f"{basename}-{action}"
            for basename in (
                "region",
                "departement",
                "epci",
                "commune",
                "service",
                "theme",
                "organisation",
                "enjeu",
                "contribution",
                "investigation",
            )
            for action in ("list", "detail")
        ),
    }
)
NOT_CACHEABLE = ("private", "no-cache", "no-store")


def public_tables(apps) -> list[str]:
    """The tables whose writes change the generation (``apps``: an app registry, historical or not)."""
    return sorted(
        {
            model._meta.db_table
            for label in PUBLIC_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )


def current_generation():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {GENERATION_TABLE} WHERE id = 1")  # noqa: S608 (constant)
        return cursor.fetchone()[0]


# What each worker built for the current generation: {name: (generation, value)} (see ``per_generation``).
_BUILT: dict = {}


def per_generation(request, name: str, build):
    """``build()`` once per content generation in this worker: the parts of a page that no query changes.

    The generation is the one the middleware read for this request; without it (a page the cache does not
    handle), the value is built afresh. Like the pages, a value never outlives the data it was built from.
    """
    generation = getattr(request, "public_generation", None)
    if generation is None:
        return build()
    kept = _BUILT.get(name)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = build()
    _BUILT[name] = (generation, value)
    return value


def _route(request):
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _cache_key(request, generation):
    """Everything the response depends on: scheme and host (the API builds absolute links from them), path and
    query, for the API the Accept header (JSON or its browsable HTML; pages are HTML whatever it says), and
    whether the client takes gzip.

    Without the scheme and host, one request with a forged ``Host`` or ``X-Forwarded-Proto`` put its links in
    the copy that every later visitor received.
    """
    accept = request.headers.get("Accept", "") if request.path_info.startswith("/api/") else ""
    # GZipMiddleware (inside this one) compresses for the clients that accept it: one copy each way.
    gzip = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else ""
    origin = f"{request.scheme}://{request.get_host()}"
    variant = hashlib.blake2b(
        f"{origin}|{request.get_full_path()}|{accept}|{gzip}".encode(), digest_size=16
    ).hexdigest()
    return f"page:{generation}:{variant}"


def _may_store(request, response):
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_USED")
        and not any(word in response.get("Cache-Control", "") for word in NOT_CACHEABLE)
    )


def _frozen(response) -> HttpResponse:
    """Bytes and headers only: an API response would otherwise carry its data into every copy."""
    frozen = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        frozen[header] = value
    return frozen


class PublicPageCacheMiddleware:
    """Serve the public pages from ``caches["pages"]``; placed before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        if (
            not self.seconds
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            # A message waiting in its cookie is shown (and the cookie cleared) by the next page built.
            or CookieStorage.cookie_name in request.COOKIES
            or _route(request) not in CACHED_ROUTES
        ):
            return self.get_response(request)
        try:
            generation = current_generation()
        except DatabaseError:
            # Let the normal path answer (the French 503 page when the database is down).
            return self.get_response(request)
        request.public_generation = generation
        cache = caches["pages"]
        key = _cache_key(request, generation)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _may_store(request, response):
            # Browsers and proxies revalidate every time: the copy kept here is the shared one.
            patch_response_headers(response, cache_timeout=0)
            if not response.has_header("ETag"):  # set on the plain bytes by PlainEtagMiddleware, inside
                set_response_etag(response)  # once, not on every hit (ConditionalGetMiddleware keeps it)
            cache.set(key, _frozen(response), self.seconds)
            response["X-Page-Cache"] = "miss"
        return response


class PlainEtagMiddleware:
    """The ETag of a page's uncompressed bytes; placed just inside GZipMiddleware, which keeps it (weak).

    Django's gzip adds random bytes to every compression (against BREACH), so an ETag taken from the
    compressed bytes differed from one worker's copy to the other's, and a repeat visit answered by the
    other worker downloaded the whole page again instead of a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.streaming
            and not response.has_header("ETag")
        ):
            set_response_etag(response)
        return response
