"""The FilterSets of the consultation: each one serves a page, its open data and its API list."""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.forms.models import ModelChoiceIterator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from consultation.models import (
    SEARCH_CONFIG,
    TERRITORY_TYPES,
    AuthorType,
    Contribution,
    Enjeu,
    Investigation,
    InvestigationStatus,
    Kind,
    State,
)
from consultation.search import MAX_QUERY_LENGTH, search_contributions
from territoires.models import Departement

SORT_CHOICES = [("soutiens", "les plus soutenues"), ("date", "les plus récentes"), ("pertinence", "pertinence")]
SORTS = {"soutiens": ["-supports", "decidim_id"], "date": ["-published_at", "decidim_id"]}


def search_filter(label: str, help_text: str) -> django_filters.CharFilter:
    """The full-text ``q`` of a list: its method is the FilterSet's ``filter_q``."""
    return django_filters.CharFilter(
        label=label,
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"La recherche est limitée à {MAX_QUERY_LENGTH} caractères."},
        help_text=help_text,
    )


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A related object chosen by its slug or official code (documented as a string)."""


class PresentDepartementIterator(ModelChoiceIterator):
    """The départements offered: those of at least one public contribution (about 110 exist)."""

    # Built when the choices are listed, not each time the form is built (a page whose choices are kept per
    # content generation never lists them); the field's own queryset (every département) validates.
    @property
    def queryset(self):
        return Departement.objects.filter(
            code__in=Contribution.objects.visible().exclude(departement=None).values("departement")
        ).order_by("code")

    @queryset.setter
    def queryset(self, value):
        pass


class PresentDepartementField(forms.ModelChoiceField):
    # Any real département is accepted (a shared link to an empty one answers « 0 contribution »).
    iterator = PresentDepartementIterator


@extend_schema_field(OpenApiTypes.STR)
class PresentDepartementFilter(django_filters.ModelChoiceFilter):
    field_class = PresentDepartementField


class ContributionFilterSet(django_filters.FilterSet):
    q = search_filter(
        "Rechercher une contribution", "Des mots du titre ou du texte, par exemple « rendez-vous » ou « subventions »."
    )
    enjeu = CodeChoiceFilter(label="Grand enjeu", queryset=Enjeu.objects.all(), to_field_name="slug")
    kind = django_filters.ChoiceFilter(label="Nature", choices=Kind.choices)
    author_type = django_filters.ChoiceFilter(label="Auteur", choices=AuthorType.choices)
    state = django_filters.ChoiceFilter(label="État", choices=State.choices)
    departement = PresentDepartementFilter(label="Département", queryset=Departement.objects.all())
    sort = django_filters.ChoiceFilter(label="Trier par", choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        model = Contribution
        fields = ["q", "enjeu", "kind", "author_type", "state", "departement", "sort"]

    def filter_q(self, queryset, name, value):
        return search_contributions(queryset, value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ("pertinence" if self.form.cleaned_data.get("q") else "soutiens")
        if sort == "pertinence" and "relevance" in queryset.query.annotations:
            return queryset.order_by("-relevance", "-supports", "decidim_id")
        return queryset.order_by(*SORTS.get(sort, SORTS["soutiens"]))


def _territory_choices():
    """The kinds of territory at least one investigation names, in the order of ``TERRITORY_TYPES``."""
    named = {label for labels in Investigation.objects.values_list("territory_types", flat=True) for label in labels}
    return [(value, label) for value, label in TERRITORY_TYPES.items() if label in named]


def _year_choices():
    years = Investigation.objects.exclude(start_date=None).dates("start_date", "year")
    return [(str(day.year), str(day.year)) for day in years]


class InvestigationFilterSet(django_filters.FilterSet):
    q = search_filter(
        "Rechercher une investigation",
        "Des mots du problème ou des résultats, ou une collectivité : « déchets », « Draguignan »…",
    )
    enjeu = CodeChoiceFilter(
        label="Grand enjeu", queryset=Enjeu.objects.all(), to_field_name="slug", method="filter_enjeu"
    )
    # Only the kinds of territory and the years the investigations have are offered (set in __init__).
    territory_type = django_filters.ChoiceFilter(
        label="Type de territoire", choices=list(TERRITORY_TYPES.items()), method="filter_territory_type"
    )
    status = django_filters.ChoiceFilter(label="État en octobre 2021", choices=InvestigationStatus.choices)
    year = django_filters.ChoiceFilter(label="Année de début", choices=[], method="filter_year")

    class Meta:
        model = Investigation
        fields = ["q", "enjeu", "territory_type", "status", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (("territory_type", _territory_choices()), ("year", _year_choices())):
            self.filters[name].extra["choices"] = choices
            # A filter keeps its form field once built (the API schema builds them on the class's filters,
            # which every instance copies): drop it so it is built again with these choices.
            self.filters[name].__dict__.pop("_field", None)

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        # About fifty rows: the text is searched as it stands, without a stored vector.
        document = SearchVector(
            "title", "problem", "findings", Cast("collectivites", TextField()), config=SEARCH_CONFIG
        )
        query = SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(document=document).filter(Q(document=query) | Q(title__unaccent__icontains=value))

    def filter_enjeu(self, queryset, name, value):
        return queryset.filter(enjeu_links__enjeu=value)

    def filter_territory_type(self, queryset, name, value):
        return queryset.filter(territory_types__contains=[TERRITORY_TYPES[value]])

    def filter_year(self, queryset, name, value: str):
        return queryset.filter(start_date__year=int(value))
