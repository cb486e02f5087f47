import django_filters
from django import forms

from territoires.models import Commune, Epci

SEARCH_ERRORS = {
    "min_length": "Saisissez au moins 2 caractères pour rechercher.",
    "max_length": "La recherche est limitée à 100 caractères.",
}


class SearchForm(forms.Form):
    def clean_q(self):
        # A blank q is a search for nothing, not a request for the whole list.
        value = self.cleaned_data["q"]
        if "q" in self.data and not value:
            raise forms.ValidationError(SEARCH_ERRORS["min_length"], code="min_length")
        return value


class TerritorySearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="recherche",
        method="search",
        min_length=2,
        max_length=100,
        error_messages=SEARCH_ERRORS,
        help_text="Nom (sans tenir compte des accents ni des majuscules), code INSEE, code postal ou SIREN.",
    )

    def search(self, queryset, name, value):
        return queryset.search(value)


class CommuneFilterSet(TerritorySearchFilterSet):
    departement = django_filters.CharFilter(field_name="departement_id", label="code du département")
    epci = django_filters.CharFilter(field_name="epci_id", label="SIREN de l'EPCI")

    class Meta:
        model = Commune
        form = SearchForm
        fields = ["q", "departement", "epci"]


class EpciFilterSet(TerritorySearchFilterSet):
    type = django_filters.ChoiceFilter(choices=Epci.Type.choices, label="type")

    class Meta:
        model = Epci
        form = SearchForm
        fields = ["q", "type"]
