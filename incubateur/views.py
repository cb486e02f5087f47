"""Site-wide pages: home, the mandatory pages of a State site, health check and error pages."""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.generic import TemplateView

from catalogue.models import Service
from consultation.models import Contribution, Enjeu

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "incubateur/home.html"

    def get_context_data(self, **kwargs):
        services = Service.objects.published().active()
        return super().get_context_data(
            services_count=services.count(),
            open_services_count=services.with_open_code().count(),
            # The real archive only: the demo's « [Exemple] » sample is never counted.
            contributions_count=Contribution.objects.archive().count(),
            enjeux_count=Enjeu.objects.count(),
            **kwargs,
        )


class SitePageView(TemplateView):
    """A page of plain content; its title and breadcrumb come from the template."""


# Redoc, served from our own static files, injects its styles at run time and renders in a blob: worker:
# the one page whose policy allows inline styles. It still allows no inline script.
api_docs = csp_override(
    {
        **settings.SECURE_CSP,
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "worker-src": [CSP.SELF, "blob:"],
    }
)(TemplateView.as_view(template_name="incubateur/api_docs.html"))


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares: send them to the DSFR's (a long-cached file)."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))


@never_cache
def health(request):
    """Answer 200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer.")
        return JsonResponse({"status": "indisponible", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Requête invalide."}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form posted from an expired or foreign page: say how to recover, in French."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Ressource introuvable."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """A French error page; an unreachable database is a temporary outage (503), not a bug (500)."""
    api = _is_api(request)
    # A database that does not answer (connection refused, lost, timed out); not a query bug.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        if api:
            response = JsonResponse(
                {"detail": "Service momentanément indisponible, réessayez dans une minute."}, status=503
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response
    if api:
        return JsonResponse({"detail": "Erreur inattendue du serveur."}, status=500)
    return render(request, "500.html", status=500)
