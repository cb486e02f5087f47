"""The portal's URLs plus ``/bench/ok/``: a Django view doing nothing, through the full middleware."""

from django.http import HttpResponse
from django.urls import include, path

from incubateur.urls import handler400, handler403, handler404, handler500  # noqa: F401


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), path("", include("incubateur.urls"))]
