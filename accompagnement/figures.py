"""The public figures of demand and use (« Chiffres »): aggregates only, never one request.

A département with fewer requests than ``MIN_COUNT_SHOWN`` is never shown alone: such départements are added
up in one line, so a small count cannot point to one commune's request.
"""

import statistics
from dataclasses import dataclass

from django.db.models import CharField, Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats

from accompagnement.api import MIN_COUNT_SHOWN
from accompagnement.models import DiagnosticRequest, Event, Status
from catalogue.models import Deployment, Thematique
from territoires.models import Commune, Departement

GROUPED_LABEL = f"Autres départements (moins de {MIN_COUNT_SHOWN} demandes chacun)"


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]


def _requests_by_departement() -> list[list]:
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
    shown, grouped = [], 0
    for row in counts:
        if row["n"] >= MIN_COUNT_SHOWN and row["code"]:
            shown.append([f"{names[row['code']]} ({row['code']})", row["n"]])
        else:
            grouped += row["n"]
    return shown + ([[GROUPED_LABEL, grouped]] if grouped else [])


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
    """Every table of the « Chiffres » page, in its order; each is also a CSV download."""
    return [
        Table("demandes-par-departement", "Demandes d'accompagnement par département", ["département", "demandes"],
              _requests_by_departement()),
        Table("demandes-par-mois", "Demandes d'accompagnement par mois", ["mois", "demandes"], _requests_by_month()),
        Table("demandes-par-statut", "Demandes d'accompagnement par statut", ["statut", "demandes"],
              _requests_by_status()),
        Table("demandes-par-thematique", "Demandes d'accompagnement par thématique", ["thématique", "demandes"],
              _requests_by_theme()),
        Table("utilisations-par-service", "Utilisations vérifiées par service", ["service", "utilisations"],
              _usages_by_service()),
        Table("utilisations-par-departement", "Utilisations vérifiées par département", ["département",
              "utilisations"], _usages_by_departement()),
    ]  # fmt: skip
