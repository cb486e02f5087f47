"""The catalogue page's search: the services it keeps, in order, and the count of each filter value.

Each facet is counted against the services that every *other* active filter keeps, so a count tells
how many services the visitor would see by ticking that value. The search runs once: one query returns
every service it matches, with what the facets group on (code, porteur, stage, families, enjeux,
départements) and, for each active filter, whether the service passes it (an ``EXISTS`` built from the
FilterSet's own filter, so a filter is written once). The counts and the page's ids are derived from
those rows; the names of the families, enjeux and départements are read once per content generation.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef
from django.http import QueryDict

from catalogue.filters import ServiceFilterSet
from catalogue.models import CodeStatus, Deployment, Porteur, Service, Stage, Thematique
from consultation.models import Enjeu
from core.pagecache import per_generation
from territoires.models import Departement

# Parameters that are not filters: they never become tags and are dropped when a filter changes.
NOT_FILTERS = {"page", "sort", "page_size", "format"}
# The filters that have a facet, in the order of the page.
FACET_FILTERS = ("theme", "enjeu", "code", "porteur", "stage", "france_relance", "departement")
ROW_FIELDS = (
    "pk",
    "code_status",
    "porteur__kind",
    "stage",
    "france_relance",
    "theme_ids",
    "enjeu_ids",
    "departements",
)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    multiple: bool = True


@dataclass
class Search:
    ids: list[int]  # every service kept by the search and the filters, in the page's order
    facets: list[Facet]
    themes_of: dict[int, set[int]]
    theme_labels: list[tuple[int, str, str]]

    def families(self, pk: int) -> list[str]:
        """The names of a kept service's families, in staff's order."""
        return [name for theme, _, name in self.theme_labels if theme in self.themes_of[pk]]


def _labels() -> dict:
    """Names that no search changes: families (staff's order), enjeux (by number), départements."""
    return {
        "theme": [(t.pk, t.slug, t.name) for t in Thematique.objects.order_by("position", "name")],
        "enjeu": [(e.pk, e.slug, f"{e.number}. {e.title}") for e in Enjeu.objects.order_by("number")],
        "departement": dict(Departement.objects.values_list("code", "nom")),
    }


def _pass_flags(filterset: ServiceFilterSet) -> dict:
    """For each active filter (and the rule that leaves stopped services out), whether a service passes it."""
    data = filterset.form.cleaned_data
    flags = {}
    for name in FACET_FILTERS:
        one = Service.objects.filter(pk=OuterRef("pk"))
        if name == "stage":
            one = filterset.without_stopped(one)
        elif not data.get(name):
            continue
        if data.get(name):
            one = filterset.filters[name].filter(one, data[name])
        flags[f"passes_{name}"] = Exists(one)
    return flags


def _matching_rows(filterset: ServiceFilterSet, base_queryset) -> tuple[list, list[str]]:
    """One query: every published service the words match, stopped ones included, in the page's order."""
    flags = _pass_flags(filterset)
    through = Service.themes.through.objects.filter(service=OuterRef("pk"))
    rows = (
        filterset.searched(base_queryset)
        .annotate(
            theme_ids=ArraySubquery(through.values("thematique_id")),
            enjeu_ids=ArraySubquery(Service.enjeux.through.objects.filter(service=OuterRef("pk")).values("enjeu_id")),
            departements=ArraySubquery(
                Deployment.objects.public()
                .filter(service=OuterRef("pk"), departement__isnull=False)
                .order_by()
                .values("departement_id")
                .distinct()
            ),
            **flags,
        )
        .values_list(*ROW_FIELDS, *flags)
    )
    return list(rows), [name.removeprefix("passes_") for name in flags]


def search_catalogue(filterset: ServiceFilterSet, base_queryset, request) -> Search:
    """The services ``filterset`` keeps (searched once) and every facet with the count of each value."""
    rows, flags = _matching_rows(filterset, base_queryset)
    labels = per_generation(request, "catalogue.facets", _labels)
    width = len(ROW_FIELDS)

    def kept_without(name):
        others = [width + index for index, flag in enumerate(flags) if flag != name]
        return [row for row in rows if all(row[index] for index in others)]

    kept = kept_without(None)
    selected = {name: set(request.GET.getlist(name)) for name in FACET_FILTERS}
    facets = []

    def add(name, values, multiple=True):
        facet = Facet(name, ServiceFilterSet.base_filters[name].label, multiple=multiple)
        for value, text, count in values:
            if count or value in selected[name]:
                facet.values.append(FacetValue(value, text, count, value in selected[name]))
        facets.append(facet)

    def count(name, column):
        return Counter(row[ROW_FIELDS.index(column)] for row in kept_without(name))

    def count_each(name, column):
        return Counter(value for row in kept_without(name) for value in row[ROW_FIELDS.index(column)])

    themes = count_each("theme", "theme_ids")
    add("theme", [(slug, text, themes[pk]) for pk, slug, text in labels["theme"]])
    enjeux = count_each("enjeu", "enjeu_ids")
    add("enjeu", [(slug, text, enjeux[pk]) for pk, slug, text in labels["enjeu"]])
    add("code", _counted(count("code", "code_status"), CodeStatus.choices))
    porteurs = count("porteur", "porteur__kind")
    porteurs[Porteur.Kind.UNKNOWN] += porteurs.pop(None, 0)  # a service without porteur counts as "non renseigné"
    add("porteur", _counted(porteurs, Porteur.Kind.choices))
    add("stage", _counted(count("stage", "stage"), Stage.choices))
    relance = count("france_relance", "france_relance")
    # A service no source ties to France Relance (None) counts for neither answer.
    add("france_relance", [("true", "oui", relance[True]), ("false", "non", relance[False])], False)
    departements = count_each("departement", "departements")
    names = labels["departement"]
    add("departement", [(code, f"{names[code]} ({code})", departements[code]) for code in sorted(departements)], False)

    themes_of = {row[0]: set(row[ROW_FIELDS.index("theme_ids")]) for row in kept}
    return Search(ids=[row[0] for row in kept], facets=facets, themes_of=themes_of, theme_labels=labels["theme"])


def _counted(counts: Counter, choices) -> list[tuple[str, str, int]]:
    return [(value, text, counts[value]) for value, text in choices]


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def active_filters(data: QueryDict, facets: list[Facet]) -> list[ActiveFilter]:
    """One tag per active filter value, each with the URL of the same search without it."""
    labels = {
        (facet.name, value.value): f"{facet.label} : {value.label}" for facet in facets for value in facet.values
    }
    pairs = [(key, value) for key in data for value in data.getlist(key) if key not in NOT_FILTERS and value]
    tags = []
    for key, value in pairs:
        rest = [(k, v) for k, v in pairs if (k, v) != (key, value)]
        sort = data.get("sort")
        if sort:
            rest.append(("sort", sort))
        label = f"Recherche : « {value} »" if key == "q" else labels.get((key, value))
        if label:
            tags.append(ActiveFilter(label, "?" + urlencode(rest)))
    return tags
