"""What every API endpoint shares: pagination, French JSON errors, and a schema that documents both."""

from django.http import Http404
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Le problème, en une phrase."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Les messages de chaque paramètre invalide.",
        },
    },
    "required": ["detail"],
}


def _whole_number(value: str, maximum: int | None = None) -> int | None:
    """``value`` as an integer from 1 (to ``maximum``), or None when it is anything else."""
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        return None
    return int(value) if maximum is None or int(value) <= maximum else None


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Cette page n'existe pas."
    invalid_page_size_message = f"Le nombre de résultats par page est un entier de 1 à {max_page_size}."

    def get_page_size(self, request):
        # A malformed page size is refused (400) rather than silently replaced by the default.
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        size = _whole_number(request.query_params[self.page_size_query_param], self.max_page_size)
        if size is None:
            raise ValidationError({self.page_size_query_param: [self.invalid_page_size_message]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        # A malformed page number is a bad parameter (400); a page past the last one does not exist (404).
        if _whole_number(request.query_params.get(self.page_query_param, "1")) is None:
            raise ValidationError({self.page_query_param: [self.invalid_page_message]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise NotFound(self.invalid_page_message) from error


def exception_handler(exc, context):
    """Return DRF's error response, with a ``detail`` message in French for every error."""
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Http404):
        # Django's message names the model ("Aucun objet Commune…"): give one plain sentence instead.
        response.data = {"detail": "Ressource introuvable."}
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "Paramètres invalides.", "errors": response.data}
    return response


class BoundedDjangoFilterExtension(DjangoFilterExtension):
    """Document the length limits of text filters (``min_length``/``max_length``), which they enforce."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        limits = {"minLength": filter_field.extra.get("min_length"), "maxLength": filter_field.extra.get("max_length")}
        for parameter in parameters:
            if parameter["schema"].get("type") == "string":
                parameter["schema"].update({key: value for key, value in limits.items() if value is not None})
        return parameters


def document_errors(result, generator, request, public):
    """drf-spectacular hook: every operation may answer 400 (bad parameters) and 404, in French JSON.

    An empty query parameter counts as absent (what an HTML form sends for "any"): the lists of choices say so.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = ERROR_SCHEMA
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                choices = schema.get("items", schema).get("enum")
                if parameter["in"] == "query" and choices and "" not in choices:
                    choices.append("")
            operation["responses"].setdefault("400", {**error, "description": "Paramètres invalides."})
            operation["responses"].setdefault("404", {**error, "description": "Ressource ou page introuvable."})
    return result
