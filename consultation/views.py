import json

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from consultation.filters import SORT_CHOICES, ContributionFilterSet
from consultation.models import Comment, Contribution, Enjeu, Investigation, ReportedFigure
from consultation.opendata import CSV_COLUMNS, contribution_record
from consultation.threads import threaded
from core.opendata import csv_response

PAGE_SIZE = 20


def _contributions():
    return Contribution.objects.visible().defer("search_vector", "raw").select_related("enjeu", "departement")


@require_safe
def consultation_home(request):
    """The story in figures: what the programme published, and what this archive holds."""
    enjeux = Enjeu.objects.annotate(
        contributions_count=Count("contributions", filter=Q(contributions__is_hidden=False), distinct=True),
        services_count=Count("services", filter=Q(services__is_published=True), distinct=True),
    )
    held = Contribution.objects.visible().aggregate(
        contributions=Count("pk"),
        needs=Count("pk", filter=Q(kind="besoin")),
        existing=Count("pk", filter=Q(kind="service")),
    )
    context = {
        "reported_figures": ReportedFigure.objects.all(),
        "held": held,
        "comments_count": Comment.objects.filter(contribution__is_hidden=False).count(),
        "investigations_count": Investigation.objects.count(),
        "enjeux": enjeux,
    }
    return render(request, "consultation/consultation_home.html", context)


@require_safe
def enjeu_detail(request, slug):
    """Need → enjeu → project → service, on one page."""
    enjeu = get_object_or_404(Enjeu, slug=slug)
    contributions = _contributions().filter(enjeu=enjeu).order_by("-supports", "decidim_id")
    context = {
        "enjeu": enjeu,
        "contributions": contributions[:10],
        "contributions_count": contributions.count(),
        "investigations": enjeu.investigations.all(),
        "laureats": enjeu.laureats.select_related("service", "porteur"),
        "services": enjeu.services.filter(is_published=True).select_related("porteur"),
    }
    return render(request, "consultation/enjeu_detail.html", context)


@require_safe
def contribution_list(request):
    filterset = ContributionFilterSet(request.GET, queryset=_contributions())
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else Contribution.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "form": filterset.form,
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
        "comments": threaded(list(contribution.comments.all())),
        "services": services,
    }
    return render(request, "consultation/contribution_detail.html", context)


@require_safe
def investigation_list(request):
    return render(request, "consultation/investigation_list.html", {"investigations": Investigation.objects.all()})


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
