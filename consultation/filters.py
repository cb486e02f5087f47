"""One FilterSet for the contributions page, their open data and their API list."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from consultation.models import AuthorType, Contribution, Enjeu, Kind, State
from consultation.search import MAX_QUERY_LENGTH, search_contributions
from territoires.models import Departement

SORT_CHOICES = [("soutiens", "les plus soutenues"), ("date", "les plus récentes"), ("pertinence", "pertinence")]
SORTS = {"soutiens": ["-supports", "decidim_id"], "date": ["-published_at", "decidim_id"]}


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A related object chosen by its slug or official code (documented as a string)."""


class ContributionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher une contribution",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"La recherche est limitée à {MAX_QUERY_LENGTH} caractères."},
        help_text="Des mots du titre ou du texte, par exemple « rendez-vous » ou « subventions ».",
    )
    enjeu = CodeChoiceFilter(label="Grand enjeu", queryset=Enjeu.objects.all(), to_field_name="slug")
    kind = django_filters.ChoiceFilter(label="Nature", choices=Kind.choices)
    author_type = django_filters.ChoiceFilter(label="Auteur", choices=AuthorType.choices)
    state = django_filters.ChoiceFilter(label="État", choices=State.choices)
    departement = CodeChoiceFilter(label="Département", queryset=Departement.objects.all())
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
