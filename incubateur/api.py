"""What every API endpoint shares: pagination and French JSON errors."""

from django.http import Http404
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Cette page n'existe pas."

    def paginate_queryset(self, queryset, request, view=None):
        # A page number out of range or malformed is a bad parameter (400), not a missing resource.
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({"page": [self.invalid_page_message]}) from error


def exception_handler(exc, context):
    """Return DRF's error response, with a ``detail`` message in French for every error."""
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Http404):
        # Django's message names the model ("Aucun objet Commune…"): give one plain sentence instead.
        response.data = {"detail": "Ressource introuvable."}
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "Paramètres invalides.", "errors": response.data}
    return response
