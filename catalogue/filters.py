"""One FilterSet for the catalogue page, its CSV export and its API list."""

import copy

import django_filters
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalogue.models import CodeStatus, Deployment, Porteur, Service, Stage, Thematique
from catalogue.search import MAX_QUERY_LENGTH, search_ids, search_services
from consultation.models import Enjeu
from territoires.models import Departement


def slug_filter(filter_class):
    """A filter class that the OpenAPI schema documents as a string (slug or official code)."""
    return extend_schema_field(OpenApiTypes.STR)(type(filter_class.__name__, (filter_class,), {}))


SORT_CHOICES = [("pertinence", "pertinence"), ("nom", "nom"), ("maj", "dernière mise à jour")]
SORTS = {"nom": ["name"], "maj": ["-updated_at", "name"]}


class ShallowCopiedFilters(dict):
    """A FilterSet's filters, copied shallowly for each FilterSet instead of deep-copied.

    django-filter deep-copies every filter for each FilterSet (its querysets, choices and widgets): 0.6 ms a page,
    a third of what a new search costs the database. None of these filters holds anything a request changes, so a
    copy of each is enough; a filter with a method is rebound to its copy, whose ``parent`` is the new FilterSet.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            clone = copy.copy(filter_)
            clone.extra = dict(filter_.extra)
            if filter_.method is not None:
                clone.method = filter_.method
            copies[name] = clone
        return copies


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher un service",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"La recherche est limitée à {MAX_QUERY_LENGTH} caractères."},
        help_text="Un besoin, un mot-clé ou le nom d'un service, par exemple « rendez-vous » ou « adresses ».",
    )
    # The schema documents these by the slug or code a client sends.
    theme = slug_filter(django_filters.ModelMultipleChoiceFilter)(
        label="Thématique",
        queryset=Thematique.objects.all(),
        to_field_name="slug",
        method="filter_theme",
    )
    enjeu = slug_filter(django_filters.ModelMultipleChoiceFilter)(
        label="Grand enjeu de la consultation",
        queryset=Enjeu.objects.all(),
        to_field_name="slug",
        method="filter_enjeu",
    )
    code = django_filters.MultipleChoiceFilter(
        label="Code source", field_name="code_status", choices=CodeStatus.choices
    )
    porteur = django_filters.MultipleChoiceFilter(
        label="Porteur", field_name="porteur__kind", choices=Porteur.Kind.choices, method="filter_porteur"
    )
    stage = django_filters.MultipleChoiceFilter(
        label="Maturité",
        choices=Stage.choices,
        help_text="Les services arrêtés ne sont montrés que si vous cochez « arrêté ».",
    )
    france_relance = slug_filter(django_filters.ChoiceFilter)(
        label="Soutenu par France Relance", choices=[("true", "oui"), ("false", "non")], method="filter_france_relance"
    )
    departement = slug_filter(django_filters.ModelChoiceFilter)(
        label="Utilisé dans mon département", queryset=Departement.objects.all(), method="filter_departement"
    )
    sort = django_filters.ChoiceFilter(
        label="Trier par", choices=SORT_CHOICES, method="filter_sort", empty_label=None, null_label=None
    )

    class Meta:
        model = Service
        fields = ["q", "theme", "enjeu", "code", "porteur", "stage", "france_relance", "departement", "sort"]

    def __init__(self, *args, include_stopped: bool = False, **kwargs):
        # Stopped services are left out unless the visitor asks for them (stage=abandon); the facets
        # count them with ``include_stopped`` so that the "arrêté" box shows how many there are.
        super().__init__(*args, **kwargs)
        self.include_stopped = include_stopped

    def get_form_class(self):
        # Built once per class: each form copies its fields anyway (Django's forms deep-copy their base fields),
        # and no filter of this set changes with the request. Building it cost each new search a millisecond.
        if "_form_class" not in type(self).__dict__:
            type(self)._form_class = super().get_form_class()
        return type(self)._form_class

    def filter_q(self, queryset, name, value):
        # One choice of search step per request, shared with the facets' FilterSets (see facets.py).
        steps = getattr(self.request, "_catalogue_search_steps", None) if self.request else None
        if steps is None and self.request is not None:
            steps = self.request._catalogue_search_steps = {}
        return search_services(queryset, value, chosen_steps=steps)

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        through = Service.themes.through.objects.filter(service=OuterRef("pk"), thematique__in=value)
        return queryset.filter(Exists(through))

    def filter_enjeu(self, queryset, name, value):
        if not value:
            return queryset
        through = Service.enjeux.through.objects.filter(service=OuterRef("pk"), enjeu__in=value)
        return queryset.filter(Exists(through))

    def filter_porteur(self, queryset, name, value):
        # A service without porteur is one whose porteur is unknown (its facet counts it so).
        kept = Q(porteur__kind__in=value)
        if Porteur.Kind.UNKNOWN in value:
            kept |= Q(porteur=None)
        return queryset.filter(kept)

    def filter_france_relance(self, queryset, name, value):
        return queryset.filter(france_relance=value == "true")

    def filter_departement(self, queryset, name, value):
        return queryset.filter(Exists(Deployment.objects.public().filter(service=OuterRef("pk"), departement=value)))

    def without_stopped(self, queryset):
        """Stopped services leave ``queryset`` unless the visitor ticked « arrêté »."""
        if Stage.ABANDON in (self.form.cleaned_data.get("stage") or []):
            return queryset
        return queryset.active()

    def filter_sort(self, queryset, name, value):
        # Applied last (see filter_queryset): relevance needs a search, otherwise the order is by name.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.include_stopped:
            queryset = self.without_stopped(queryset)
        return self.ordered(queryset)

    def searched_ids(self) -> list[int]:
        """The ids of the published services matching the words only (no other filter, stopped services
        included), in the chosen order: one query (without words, every published service)."""
        text = self.form.cleaned_data.get("q")
        if not text:
            return list(self.ordered(Service.objects.published()).values_list("pk", flat=True))
        sort = SORTS.get(self.form.cleaned_data.get("sort") or "pertinence")
        return search_ids(text, order=sort)

    def ordered(self, queryset):
        sort = self.form.cleaned_data.get("sort") or "pertinence"
        if sort in SORTS:
            return queryset.order_by(*SORTS[sort])
        if not self.form.cleaned_data.get("q"):
            return queryset.order_by("name")
        return queryset


ServiceFilterSet.base_filters = ShallowCopiedFilters(ServiceFilterSet.base_filters)
