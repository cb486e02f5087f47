from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from catalogue.facets import NOT_FILTERS, active_filters, checkboxes_html, search_catalogue, select_html
from catalogue.filters import SORT_CHOICES, ServiceFilterSet
from catalogue.models import Deployment, Service, ServiceEnjeu
from catalogue.opendata import CSV_COLUMNS, USAGE_COLUMNS, csv_rows, usage_records
from catalogue.publiccode import dump, missing_facts, to_publiccode
from catalogue.search import card_services, close_services
from catalogue.usage import usages_near
from consultation.models import Enjeu
from core.opendata import csv_response
from core.pagecache import per_generation
from territoires.models import Commune

# Twelve cards a page: the page stays light (under 600 DOM nodes with every facet) on slow devices.
PAGE_SIZE = 12
# Rendered cards each worker keeps for a content generation, at most (about 1 kB each).
MAX_KEPT_CARDS = 5000


def _list_queryset():
    # The generated search columns are large and never displayed.
    return Service.objects.published().defer("search_vector", "text_search", "name_search").select_related("porteur")


@dataclass(frozen=True)
class Card:
    """A service's card on the catalogue page, rendered once per content generation."""

    slug: str
    html: str


def _cards(request, ids: list[int], search) -> list[Card]:
    """The cards of the services shown: rendered once per generation; only those not yet rendered are read."""
    cards = per_generation(request, "catalogue.cards", dict)
    missing = [pk for pk in ids if pk not in cards]
    if missing:
        if len(cards) + len(missing) > MAX_KEPT_CARDS:
            cards.clear()
        template = get_template("catalogue/_service_card.html")
        for pk, service in card_services(missing).items():
            service.families = search.families(pk)
            html = template.render({"service": service})
            cards[pk] = Card(service.slug, mark_safe(html))  # noqa: S308 (rendered by the template, escaped)
    return [cards[pk] for pk in ids]


def _facets_html(facets, form) -> dict[str, str]:
    """Each facet's HTML: checkboxes, or a select for the single-choice ones."""
    selects = {"france_relance": "Indifférent", "departement": "Tous les départements"}
    return {
        facet.name: select_html(facet, selects[facet.name])
        if facet.name in selects
        else checkboxes_html(facet, hint=form.fields["stage"].help_text if facet.name == "stage" else "")
        for facet in facets
    }


@require_safe
def service_list(request):
    """The catalogue: search, filters with counts, removable tags, sort and pagination, all in the URL."""
    # The page reads the FilterSet's form only: the search and the facets are built by ``search_catalogue``.
    filterset = ServiceFilterSet(request.GET, request=request)
    valid = filterset.is_valid()
    search = search_catalogue(filterset, request) if valid else None
    page = Paginator(search.ids if valid else [], PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _cards(request, list(page.object_list), search) if valid else []
    facets = search.facets if valid else []
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "services": page.object_list,  # cards (``Card``): slug and HTML
        "facets": {facet.name: facet for facet in facets},
        "facets_html": _facets_html(facets, filterset.form),
        "active_filters": active_filters(request.GET, facets),
        "sort_choices": SORT_CHOICES,
        "current_sort": request.GET.get("sort") or "pertinence",
        "querystring": keep.urlencode(),
        "has_filters": any(key not in NOT_FILTERS and request.GET.get(key) for key in request.GET),
        "typed": filterset.form.cleaned_data.get("q", "") if valid else "",
        "has_facet_values": any(facet.values for facet in facets),
        "has_other_filters": any(key not in NOT_FILTERS | {"q"} and request.GET.get(key) for key in request.GET),
    }
    if valid and context["typed"] and not page.paginator.count:
        context["close_services"] = close_services(context["typed"])
    return render(request, "catalogue/service_list.html", context, status=200 if valid else 400)


def _visitor_commune(text: str):
    """The commune the visitor typed (INSEE code, postal code or name), or None."""
    text = text.strip()
    if not 2 <= len(text) <= 100:
        return None
    return Commune.objects.search(text).select_related("departement", "epci").first()


@require_safe
def service_detail(request, slug):
    # Each enjeu the service answers, with the basis of that link and the contributions archived under it.
    enjeu_links = ServiceEnjeu.objects.prefetch_related(
        Prefetch("enjeu", queryset=Enjeu.objects.with_archive_counts())
    ).order_by("enjeu__number")
    service = get_object_or_404(
        Service.objects.published()
        .select_related("porteur")
        .prefetch_related("themes", Prefetch("enjeu_links", queryset=enjeu_links)),
        slug=slug,
    )
    commune_query = request.GET.get("commune", "")
    visitor = _visitor_commune(commune_query)
    context = {
        "service": service,
        "usage": usages_near(service, near=visitor),
        "visitor_commune": visitor,
        "commune_query": commune_query,
        "publiccode_missing": missing_facts(service),
    }
    return render(request, "catalogue/service_detail.html", context)


@require_safe
def service_csv(request):
    """Open data: every public field of the services the filters keep, as CSV."""
    filterset = ServiceFilterSet(request.GET, queryset=_list_queryset().prefetch_related("themes", "enjeux"))
    services = filterset.qs if filterset.is_valid() else Service.objects.none()

    return csv_response(CSV_COLUMNS, csv_rows(services), filename="services.csv")


@require_safe
def service_publiccode(request, slug):
    deployments = Deployment.objects.public().select_related("commune", "epci", "departement", "region")
    service = get_object_or_404(
        Service.objects.published()
        .select_related("porteur")
        .prefetch_related("themes", Prefetch("deployments", queryset=deployments)),
        slug=slug,
    )
    missing = missing_facts(service)
    if missing:
        return render(
            request, "catalogue/publiccode_unavailable.html", {"service": service, "missing": missing}, status=404
        )
    return HttpResponse(dump(to_publiccode(service)), content_type="application/yaml; charset=utf-8")


def _public_usages():
    return (
        Deployment.objects.public()
        .filter(service__is_published=True)
        .select_related("service", "commune", "epci", "departement", "region")
        .order_by("service__name", "departement_id", "pk")
    )


@require_safe
def usage_csv(request):
    """Open data: the verified usages of the catalogue's services, keyed on official codes."""
    records = usage_records(_public_usages())
    return csv_response(
        USAGE_COLUMNS, ([record[c] for c in USAGE_COLUMNS] for record in records), filename="utilisations.csv"
    )


@require_safe
def usage_json(request):
    response = JsonResponse(usage_records(_public_usages()), safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="utilisations.json"'
    return response
