"""Figures of the staff dashboard: counts by status, région and month, delays, workload, unanswered requests.

Every count comes with the list filters that show the same requests, so the dashboard links to them.
"""

from datetime import timedelta
from statistics import median
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accompagnement.inbox import chargees
from accompagnement.models import OPEN_STATUSES, DiagnosticRequest, Email, Status, WaitingOn
from accompagnement.service_levels import late
from accompagnement.workflow import person
from territoires.models import Region

OPEN = {"status__in": ",".join(OPEN_STATUSES)}


def _q(**params) -> str:
    """The query string of the staff list that shows these requests."""
    return "?" + urlencode(params)


def _next_month(month):
    return (month + timedelta(days=32)).replace(day=1)


def _workload() -> list[dict]:
    """Open requests per chargé·e (and unassigned): all, those waiting for the team, those never answered."""
    counts = {
        row["assignee"]: row
        for row in DiagnosticRequest.objects.open()
        .with_waiting()
        .with_first_answer()
        .values("assignee")
        .annotate(
            open=Count("pk"),
            team=Count("pk", filter=Q(waiting_on=WaitingOn.TEAM)),
            unanswered=Count("pk", filter=Q(first_answer_at__isnull=True)),
        )
    }
    # The active chargé·es, then anyone else who still holds open requests (left the group, deactivated).
    holders = [pk for pk in counts if pk is not None]
    people = [(user.pk, person(user), str(user.pk)) for user in chargees()]
    people += [
        (user.pk, f"{person(user)} (hors de l'équipe)", str(user.pk))
        for user in get_user_model().objects.filter(pk__in=holders).exclude(pk__in=[pk for pk, _, _ in people])
    ]
    rows = []
    for pk, name, value in [*people, (None, "non attribuées", "aucun")]:
        row = counts.get(pk, {"open": 0, "team": 0, "unanswered": 0})
        rows.append(
            {
                "name": name,
                "open": row["open"],
                "team": row["team"],
                "unanswered": row["unanswered"],
                "open_link": _q(attribution=value, **OPEN),
                "team_link": _q(attribution=value, main=WaitingOn.TEAM),
                "unanswered_link": _q(attribution=value, reponse="aucune"),
            }
        )
    return rows


def _delays() -> dict:
    """Days to the first answer over the last twelve months, and the age of what still waits for one."""
    now = timezone.now()
    answered = (
        DiagnosticRequest.objects.filter(created_at__gte=now - timedelta(days=365))
        .with_first_answer()
        .filter(first_answer_at__isnull=False)
        .values_list("created_at", "first_answer_at")
    )
    first_answer_days = [(answer - created).total_seconds() / 86400 for created, answer in answered]
    waiting = [
        (now - created).total_seconds() / 86400
        for created in DiagnosticRequest.objects.unanswered().values_list("created_at", flat=True)
    ]
    return {
        "late": late().count(),
        "working_days": settings.ANSM_FIRST_ANSWER_WORKING_DAYS,
        "answered": len(first_answer_days),
        "median_first_answer": round(median(first_answer_days), 1) if first_answer_days else None,
        "unanswered": len(waiting),
        "oldest_unanswered": round(max(waiting), 1) if waiting else None,
    }


def dashboard_figures(*, oldest: int = 10) -> dict:
    requests = DiagnosticRequest.objects.all()
    by_status = {row["status"]: row["n"] for row in requests.values("status").annotate(n=Count("pk"))}
    regions = dict(Region.objects.values_list("code", "nom"))
    by_region = requests.with_area().values("region_code").annotate(n=Count("pk")).order_by("-n", "region_code")
    by_month = (
        requests.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")).order_by("-month")
    )
    untouched = requests.unanswered().select_related("commune", "epci").order_by("created_at")
    failed = Email.objects.failed()
    return {
        # E-mails abandoned after every attempt: the requester (or staff) never got them.
        "emails_failed": failed.count(),
        "requests_with_failed_emails": list(
            requests.filter(pk__in=failed.values("request_id")).select_related("commune", "epci")[:oldest]
        ),
        "by_status": [
            (Status(status).label, by_status.get(status, 0), _q(status__exact=status)) for status in Status.values
        ],
        "by_region": [
            {
                "region": regions.get(row["region_code"], "inconnue"),
                "n": row["n"],
                "link": _q(region=row["region_code"]),
            }
            for row in by_region
        ],
        "by_month": [
            {
                "month": row["month"],
                "n": row["n"],
                "link": _q(
                    created_at__gte=row["month"].date().isoformat(),
                    created_at__lt=_next_month(row["month"]).date().isoformat(),
                ),
            }
            for row in by_month[:12]
        ],
        "untouched": list(untouched[:oldest]),
        "untouched_link": _q(reponse="aucune"),
        "late_link": _q(reponse="retard"),
        "waiting_on_team_link": _q(main=WaitingOn.TEAM),
        "open_link": _q(**OPEN),
        "open": requests.open().count(),
        "delays": _delays(),
        "workload": _workload(),
        "total": requests.count(),
    }
