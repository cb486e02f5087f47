"""The public figures of demand and use (« Chiffres »): aggregates only, never one request.

A département with fewer requests than ``MIN_COUNT_SHOWN`` is never shown alone: such départements are added
up in one line, so a small count cannot point to one commune's request.
"""

import json
import statistics
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone

from accompagnement.api import MIN_COUNT_SHOWN
from accompagnement.models import DiagnosticRequest, Event, Status
from catalogue.models import Deployment, Thematique
from territoires.models import Commune, Departement

GROUPED_LABEL = f"Autres départements (moins de {MIN_COUNT_SHOWN} demandes chacun)"


@dataclass
class Chart:
    """A chart of the DSFR (``@gouvfr/dsfr-chart`` web component): its tag and its attributes, already text."""

    tag: str
    attributes: dict[str, str]


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: Chart | None = field(default=None)


def bar_chart(rows: list[list], *, series: str, horizontal: bool = False) -> Chart | None:
    """The bars of a table's rows (label, count); horizontal ones tall enough for every label."""
    if not rows:
        return None
    attributes = {
        "x": json.dumps([[str(label) for label, _ in rows]], ensure_ascii=False),
        "y": json.dumps([[count for _, count in rows]]),
        "name": json.dumps([series], ensure_ascii=False),
        "unit-tooltip": series,
        "selected-palette": "default",
    }
    if horizontal:
        # Width over height: about two bars for each unit of width, so that 50 services stay readable.
        attributes |= {"horizontal": "true", "aspect-ratio": f"{max(0.4, min(5, 24 / (len(rows) + 2))):.2f}"}
    else:
        attributes["aspect-ratio"] = "3"
    return Chart("bar-chart", attributes)


def map_chart(counts: dict[str, int], *, total: int, series: str, date: str) -> Chart | None:
    """A map by département of ``counts`` (code: count): only the départements it is given are coloured."""
    if not counts:
        return None
    attributes = {
        "data": json.dumps(counts),
        "value": str(total),
        "name": series,
        "date": date,
        "level": "dep",
        "selected-palette": "sequentialAscending",
    }
    return Chart("map-chart", attributes)


def _requests_by_departement() -> tuple[list[list], dict[str, int]]:
    """The table's rows (under the threshold added up in one line) and the counts shown, by département code."""
    main_member = Commune.objects.filter(epci=OuterRef("epci")).order_by("-population").values("departement_id")[:1]
    counts = (
        DiagnosticRequest.objects.annotate(
            code=Coalesce("commune__departement_id", Subquery(main_member), output_field=CharField())
        )
        .values("code")
        .annotate(n=Count("pk"))
        .order_by("code")
    )
    names = dict(Departement.objects.values_list("code", "nom"))
    shown, by_code, grouped = [], {}, 0
    for row in counts:
        if row["n"] >= MIN_COUNT_SHOWN and row["code"]:
            shown.append([f"{names[row['code']]} ({row['code']})", row["n"]])
            by_code[row["code"]] = row["n"]
        else:
            grouped += row["n"]
    return shown + ([[GROUPED_LABEL, grouped]] if grouped else []), by_code


def _requests_by_month() -> list[list]:
    rows = (
        DiagnosticRequest.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [[formats.date_format(row["month"], "F Y"), row["n"]] for row in rows]


def _requests_by_status() -> list[list]:
    counts = dict(DiagnosticRequest.objects.values_list("status").annotate(n=Count("pk")))
    return [[label, counts.get(value, 0)] for value, label in Status.choices]


def _requests_by_theme() -> list[list]:
    rows = Thematique.objects.annotate(n=Count("diagnostic_requests")).filter(n__gt=0).order_by("-n", "name")
    return [[theme.name, theme.n] for theme in rows]


def median_days_to_first_answer() -> tuple[float | None, int]:
    """Median days from a request to the team's first message or status change, and how many were answered."""
    answered = (
        Event.objects.filter(author__isnull=False)
        .filter(Q(kind=Event.Kind.MESSAGE_TO_REQUESTER) | Q(kind=Event.Kind.STATUS))
        .values("request")
        .annotate(first=Min("created_at"), asked=F("request__created_at"))
        .values_list("first", "asked")
    )
    days = [(first - asked).total_seconds() / 86400 for first, asked in answered]
    return (round(statistics.median(days), 1) if days else None), len(days)


def _usages_by_service() -> list[list]:
    rows = Deployment.objects.public().values("service__name").annotate(n=Count("pk")).order_by("-n", "service__name")
    return [[row["service__name"], row["n"]] for row in rows]


def _usages_by_departement() -> list[list]:
    rows = (
        Deployment.objects.public()
        .filter(departement__isnull=False)
        .values("departement_id", "departement__nom")
        .annotate(n=Count("pk"))
        .order_by("departement_id")
    )
    return [[f"{row['departement__nom']} ({row['departement_id']})", row["n"]] for row in rows]


def public_tables() -> list[Table]:
    """Every table of the « Chiffres » page, in its order, with its chart; each is also a CSV download."""
    by_departement, shown_by_code = _requests_by_departement()
    by_month, by_status, by_theme = _requests_by_month(), _requests_by_status(), _requests_by_theme()
    by_service, usages_by_departement = _usages_by_service(), _usages_by_departement()
    total = sum(count for _, count in by_departement)
    today = formats.date_format(timezone.localdate(), "j F Y")
    return [
        Table("demandes-par-departement", "Demandes d'accompagnement par département", ["département", "demandes"],
              by_departement, map_chart(shown_by_code, total=total, series="Demandes d'accompagnement", date=today)),
        Table("demandes-par-mois", "Demandes d'accompagnement par mois", ["mois", "demandes"], by_month,
              bar_chart(by_month, series="demandes")),
        Table("demandes-par-statut", "Demandes d'accompagnement par statut", ["statut", "demandes"], by_status,
              bar_chart(by_status, series="demandes", horizontal=True)),
        Table("demandes-par-thematique", "Demandes d'accompagnement par thématique", ["thématique", "demandes"],
              by_theme, bar_chart(by_theme, series="demandes", horizontal=True)),
        Table("utilisations-par-service", "Utilisations vérifiées par service", ["service", "utilisations"],
              by_service, bar_chart(by_service, series="utilisations", horizontal=True)),
        Table("utilisations-par-departement", "Utilisations vérifiées par département", ["département",
              "utilisations"], usages_by_departement, bar_chart(usages_by_departement, series="utilisations",
              horizontal=True)),
    ]  # fmt: skip
