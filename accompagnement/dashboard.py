"""Figures of the staff dashboard: counts by status, région and month, and the requests waiting longest."""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth

from accompagnement.models import DiagnosticRequest, Email, Status


def dashboard_figures(*, oldest: int = 10) -> dict:
    requests = DiagnosticRequest.objects.all()
    by_status = {row["status"]: row["n"] for row in requests.values("status").annotate(n=Count("pk"))}
    by_region = (
        requests.annotate(region=Coalesce("commune__region__nom", "epci__communes__region__nom"))
        .values("region")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "region")
    )
    by_month = (
        requests.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")).order_by("-month")
    )
    untouched = (
        requests.filter(status=Status.NEW)
        .filter(~Q(events__kind__in=["attribution", "message_equipe", "note"]))
        .select_related("commune", "epci")
        .order_by("created_at")
        .distinct()[:oldest]
    )
    failed = Email.objects.failed()
    return {
        # E-mails abandoned after every attempt: the requester (or staff) never got them.
        "emails_failed": failed.count(),
        "requests_with_failed_emails": list(
            requests.filter(pk__in=failed.values("request_id")).select_related("commune", "epci")[:oldest]
        ),
        "by_status": [(Status(status).label, by_status.get(status, 0)) for status in Status.values],
        "by_region": list(by_region),
        "by_month": list(by_month[:12]),
        "untouched": list(untouched),
        "total": requests.count(),
    }
