"""The public pages of demand and use (/chiffres/) and of uncovered needs (/chiffres/besoins/), with their CSVs."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accompagnement import needs as uncovered
from accompagnement.figures import GROUPED_LABEL, MIN_COUNT_SHOWN, median_days_to_first_answer, public_tables
from core.opendata import csv_response


@require_safe
def figures(request):
    median, answered = median_days_to_first_answer()
    context = {
        "tables": public_tables(),
        "median_days": median,
        "answered": answered,
        "threshold": MIN_COUNT_SHOWN,
        "grouped_label": GROUPED_LABEL,
    }
    return render(request, "accompagnement/figures.html", context)


@require_safe
def figures_csv(request, slug):
    table = next((table for table in public_tables() if table.slug == slug), None)
    if table is None:
        raise Http404("Ce tableau n'existe pas.")
    return csv_response(table.columns, table.rows, filename=f"{slug}.csv")


@require_safe
def needs(request):
    context = {
        "themes": uncovered.needs_by_theme(),
        "enjeux": uncovered.needs_by_enjeu(),
        "threshold": MIN_COUNT_SHOWN,
        "few_services": uncovered.FEW_SERVICES,
    }
    return render(request, "accompagnement/needs.html", context)


@require_safe
def needs_csv(request, kind):
    if kind not in ("thematiques", "enjeux"):
        raise Http404("Ce tableau n'existe pas.")
    header, rows = uncovered.csv_rows(kind)
    return csv_response(header, rows, filename=f"besoins-{kind}.csv")
