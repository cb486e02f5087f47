import json

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from consultation.filters import SORT_CHOICES, ContributionFilterSet, InvestigationFilterSet
from consultation.models import (
    DEMO_TLD,
    Comment,
    Contribution,
    Enjeu,
    Investigation,
    ReportedFigure,
)
from consultation.opendata import CSV_COLUMNS, contribution_record
from consultation.threads import threaded
from core.opendata import csv_response
from core.pagecache import per_generation
from core.sanitize import render_text

PAGE_SIZE = 20


def _contributions():
    return Contribution.objects.visible().defer("search_vector", "raw").select_related("enjeu", "departement")


def _archive_figures() -> dict:
    """What the archive holds: real contributions only; the demo's sample is counted apart, as such."""
    return Contribution.objects.visible().aggregate(
        contributions=Count("pk", filter=~Q(decidim_host__endswith=DEMO_TLD)),
        needs=Count("pk", filter=Q(kind="besoin") & ~Q(decidim_host__endswith=DEMO_TLD)),
        existing=Count("pk", filter=Q(kind="service") & ~Q(decidim_host__endswith=DEMO_TLD)),
        examples=Count("pk", filter=Q(decidim_host__endswith=DEMO_TLD)),
    )


@require_safe
def consultation_home(request):
    """The story in figures: what the programme published, and what this archive holds."""
    enjeux = Enjeu.objects.with_archive_counts().annotate(
        services_count=Count("services", filter=Q(services__is_published=True), distinct=True),
        investigations_count=Count("investigation_links", distinct=True),
    )
    context = {
        "reported_figures": ReportedFigure.objects.all(),
        "held": _archive_figures(),
        "comments_count": Comment.objects.filter(contribution__in=Contribution.objects.archive()).count(),
        "investigations_count": Investigation.objects.count(),
        "enjeux": enjeux,
    }
    return render(request, "consultation/consultation_home.html", context)


@require_safe
def enjeu_detail(request, slug):
    """Need → enjeu → investigation → funded project → service, each link with its basis."""
    enjeu = get_object_or_404(Enjeu, slug=slug)
    archive = _contributions().filter(enjeu=enjeu, pk__in=Contribution.objects.archive().values("pk"))
    context = {
        "enjeu": enjeu,
        "contributions": archive.order_by("-supports", "decidim_id")[:10],
        "contributions_count": archive.count(),
        "examples": _contributions().filter(enjeu=enjeu, pk__in=Contribution.objects.demo().values("pk"))[:5],
        "investigation_links": enjeu.investigation_links.select_related("investigation").order_by(
            "investigation__title"
        ),
        "laureats": enjeu.laureats.select_related("service", "porteur"),
        # Links kept by the catalogue (the app above), read through their reverse relations.
        "service_links": enjeu.service_links.filter(service__is_published=True)
        .select_related("service__porteur")
        .order_by("basis", "service__name"),
        "offers": enjeu.offers.all(),
    }
    return render(request, "consultation/enjeu_detail.html", context)


def _with_choices_per_generation(request, form):
    """The enjeux and départements offered: read once per content generation, not on every search."""
    for name in ("enjeu", "departement"):
        field = form.fields[name]
        choices = per_generation(request, f"consultation.contribution_list.{name}", lambda: list(field.choices))
        # A model field lists its choices through its iterator (a query each time); this one gives the list kept.
        field.iterator = lambda _field, choices=choices: choices
    return form


# Filter combinations whose rendered selects each worker keeps for a content generation, at most.
MAX_KEPT_SELECTS = 256


def _selects_html(request, form) -> str:
    """The form's selects (about 130 options): rendered once per generation and combination of chosen values."""
    if form.errors:
        return ""  # rendered with their errors by the template
    kept = per_generation(request, "consultation.contribution_list.selects", dict)
    key = tuple((name, str(form[name].value())) for name in form.fields if name != "q")
    if key not in kept:
        if len(kept) >= MAX_KEPT_SELECTS:
            kept.clear()
        kept[key] = render_to_string("consultation/_search_selects.html", {"form": form, "column_width": 4})
    return mark_safe(kept[key])  # noqa: S308 (rendered by the template, escaped)


@require_safe
def contribution_list(request):
    filterset = ContributionFilterSet(request.GET, queryset=_contributions())
    _with_choices_per_generation(request, filterset.form)  # before validation, which lists them too
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else Contribution.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "form": filterset.form,
        "selects_html": _selects_html(request, filterset.form),
        "page_obj": page,
        "contributions": page.object_list,
        "sort_choices": SORT_CHOICES,
        "querystring": keep.urlencode(),
    }
    return render(request, "consultation/contribution_list.html", context, status=200 if valid else 400)


@require_safe
def contribution_detail(request, pk):
    contribution = get_object_or_404(
        _contributions().prefetch_related(
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "decidim_id"))
        ),
        pk=pk,
    )
    services = contribution.enjeu.services.filter(is_published=True) if contribution.enjeu_id else []
    context = {
        "contribution": contribution,
        "comments": [
            (comment, level, render_text(comment.body, base=contribution.origin))
            for comment, level in threaded(list(contribution.comments.all()))
        ],
        "services": services,
    }
    return render(request, "consultation/contribution_detail.html", context)


@require_safe
def investigation_list(request):
    """The PNI, searchable and filtered by enjeu, kind of territory, state and year (the API's FilterSet)."""
    # service_links: the catalogue's links (the app above), read through their reverse relation.
    investigations = Investigation.objects.prefetch_related("enjeu_links__enjeu", "service_links__service")
    filterset = InvestigationFilterSet(request.GET, queryset=investigations)
    valid = filterset.is_valid()
    context = {
        "form": filterset.form,
        "investigations": filterset.qs if valid else Investigation.objects.none(),
        "total": Investigation.objects.count(),
        "durations": Investigation.objects.duration_summary(),
        "published": ReportedFigure.objects.filter(key__in=["duree-annoncee", "investigations", "mois-investigation"]),
    }
    return render(request, "consultation/investigation_list.html", context, status=200 if valid else 400)


def _filtered(request):
    filterset = ContributionFilterSet(request.GET, queryset=_contributions())
    return filterset.qs if filterset.is_valid() else Contribution.objects.none()


@require_safe
def contribution_csv(request):
    """Open data: the contributions the filters keep, as CSV."""

    rows = ([record[column] for column in CSV_COLUMNS] for record in map(contribution_record, _filtered(request)))
    return csv_response(CSV_COLUMNS, rows, filename="contributions.csv")


@require_safe
def contribution_json(request):
    """Open data: the contributions the filters keep, as a JSON array."""
    records = [contribution_record(contribution) for contribution in _filtered(request)]
    response = HttpResponse(json.dumps(records, ensure_ascii=False, default=str), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="contributions.json"'
    return response
