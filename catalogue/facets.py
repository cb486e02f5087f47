"""The catalogue page's search: the services it keeps, in order, and the count of each filter value.

Each facet is counted against the services that every *other* active filter keeps, so a count tells
how many services the visitor would see by ticking that value. The search runs once: one query returns
the ids of every service the words match, in the page's order. What no search changes is read once per
content generation (``core.pagecache.per_generation``): what the facets group on for every published
service (code, porteur, stage, families, enjeux, départements), the services passing each combination of
active filters (an ``EXISTS`` built from the FilterSet's own filter, so a filter is written once), and the
names of the families, enjeux and départements. The counts and the page's ids are derived from those.
"""

from collections import Counter
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils.safestring import mark_safe

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


# Filter combinations whose passing services each worker keeps for a generation, at most.
MAX_KEPT_COMBINATIONS = 256


def _service_rows() -> dict[int, tuple]:
    """What the facets group on, for every published service (stopped ones included): no search changes it."""
    through = Service.themes.through.objects.filter(service=OuterRef("pk"))
    rows = (
        Service.objects.published()
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
        )
        .order_by()
        .values_list(*ROW_FIELDS)
    )
    return {row[0]: row for row in rows}


def _is_empty(value) -> bool:
    """Whether a cleaned filter value chooses nothing, without running a queryset (an empty multiple choice of
    families or enjeux is ``queryset.none()``; a chosen one was already read by the form)."""
    if isinstance(value, QuerySet):
        return value.query.is_empty() or not value
    return not value


def _filter_key(filterset: ServiceFilterSet) -> tuple:
    """The active filters' values (the words left out): two requests with the same key keep the same services."""
    data = filterset.form.cleaned_data
    key = []
    for name in FACET_FILTERS:
        value = data.get(name)
        if _is_empty(value):
            key.append((name, ()))
            continue
        values = value if isinstance(value, list | tuple | QuerySet) else [value]
        key.append((name, tuple(sorted(str(getattr(item, "pk", item)) for item in values))))
    return tuple(key)


def _passing(filterset: ServiceFilterSet, request) -> dict[str, set[int]]:
    """For each active filter (and the rule that leaves stopped services out), the published services passing it.

    One query for a combination of filter values not seen in this generation (an ``EXISTS`` per filter, built
    from the FilterSet's own filter methods, so a filter is written once); none for a known one, whatever the
    words searched.
    """
    kept = per_generation(request, "catalogue.passing", dict)
    key = _filter_key(filterset)
    if key in kept:
        return kept[key]
    data = filterset.form.cleaned_data
    flags = {}
    for name in FACET_FILTERS:
        one = Service.objects.filter(pk=OuterRef("pk"))
        if name == "stage":
            one = filterset.without_stopped(one)
        elif _is_empty(data.get(name)):
            continue
        if not _is_empty(data.get(name)):
            one = filterset.filters[name].filter(one, data[name])
        flags[name] = Exists(one)
    rows = Service.objects.published().annotate(**{f"passes_{name}": flag for name, flag in flags.items()})
    rows = rows.order_by().values_list("pk", *(f"passes_{name}" for name in flags))
    passing = {name: set() for name in flags}
    for pk, *passes in rows:
        for name, passed in zip(flags, passes, strict=True):
            if passed:
                passing[name].add(pk)
    if len(kept) >= MAX_KEPT_COMBINATIONS:
        kept.clear()
    kept[key] = passing
    return passing


def search_catalogue(filterset: ServiceFilterSet, request) -> Search:
    """The services ``filterset`` keeps (searched once) and every facet with the count of each value.

    The search itself is one query for the ordered ids of the services the words match; what the facets group
    on and which services pass each filter are kept per content generation.
    """
    ids = filterset.searched_ids()
    every_row = per_generation(request, "catalogue.rows", _service_rows)
    passing = _passing(filterset, request)
    labels = per_generation(request, "catalogue.facets", _labels)
    rows = [every_row[pk] for pk in ids if pk in every_row]

    # The rows every active filter but one keeps: a facet whose filter is not active sees the same rows as the
    # page, so a search without filters reads its rows twice (the page's, and without the stopped-services rule),
    # not once per facet (at 10,000 services that loop cost more than the search itself).
    without = {}

    def kept_without(name):
        name = name if name in passing else None
        if name not in without:
            others = [kept for flag, kept in passing.items() if flag != name]
            without[name] = [row for row in rows if all(row[0] in kept for kept in others)]
        return without[name]

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
        index = ROW_FIELDS.index(column)
        return Counter(row[index] for row in kept_without(name))

    def count_each(name, column):
        index = ROW_FIELDS.index(column)
        return Counter(value for row in kept_without(name) for value in row[index])

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


def _text(value) -> str:
    """``value`` escaped for HTML, first letter capitalised (Django's ``escape`` and ``capfirst``, without their
    lazy-string wrappers, which cost more than the page's search when called for every facet value)."""
    text = str(value)
    return escape(text[:1].upper() + text[1:])


def checkboxes_html(facet: Facet, hint: str = "") -> str:
    """A facet as a fieldset of checkboxes (the page's HTML, built here: a template loop cost more than the search)."""
    if not facet.values:
        return ""
    name = escape(facet.name)
    boxes = "".join(
        '<div class="fr-fieldset__element fr-checkbox-group fr-checkbox-group--sm">'
        f'<input type="checkbox" id="filtre-{name}-{number}" name="{name}" value="{escape(value.value)}"'
        f"{' checked' if value.selected else ''}>"
        f'<label class="fr-label" for="filtre-{name}-{number}">{_text(value.label)} ({int(value.count)})</label></div>'
        for number, value in enumerate(facet.values, start=1)
    )
    hint_html = f'<p class="fr-fieldset__element fr-hint-text">{escape(str(hint))}</p>' if hint else ""
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<fieldset class="fr-fieldset" id="filtre-{name}" aria-labelledby="filtre-{name}-legende">'
        f'<legend class="fr-fieldset__legend fr-text--regular" id="filtre-{name}-legende">'
        f"<strong>{escape(str(facet.label))}</strong></legend>{boxes}{hint_html}</fieldset>"
    )


def select_html(facet: Facet, empty_label: str) -> str:
    """A single-choice facet as a select, its first option choosing nothing."""
    if not facet.values:
        return ""
    name = escape(facet.name)
    options = "".join(
        f'<option value="{escape(value.value)}"{" selected" if value.selected else ""}>'
        f"{_text(value.label)} ({int(value.count)})</option>"
        for value in facet.values
    )
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<div class="fr-select-group"><label class="fr-label" for="filtre-{name}">{escape(str(facet.label))}</label>'
        f'<select class="fr-select" id="filtre-{name}" name="{name}"><option value="">{escape(str(empty_label))}'
        f"</option>{options}</select></div>"
    )


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
