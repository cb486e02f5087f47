"""Erasure of personal data from finished requests, keeping what the statistics need."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accompagnement.models import (
    DiagnosticNeed,
    DiagnosticRequest,
    Email,
    Event,
    FollowUpLink,
    Recommendation,
    Status,
)

LEGACY_EMAIL_TASK = "accompagnement.tasks.send_email"
FINISHED = [Status.CLOSED, Status.DECLINED, Status.WITHDRAWN]


def purge_requests(*, older_than_months: int, dry_run: bool = False) -> int:
    """Anonymise requests finished more than ``older_than_months`` ago; return how many."""
    limit = timezone.now() - timedelta(days=30 * older_than_months)
    requests = DiagnosticRequest.objects.filter(status__in=FINISHED, updated_at__lt=limit, anonymised_at__isnull=True)
    count = requests.count()
    if dry_run:
        return count
    with transaction.atomic():
        # Tasks queued before the outbox carried the whole e-mail (address, first name, messages, follow-up
        # link with its raw token) as arguments: whatever their request, they go; today's carry only an id.
        DBTaskResult.objects.filter(task_path=LEGACY_EMAIL_TASK, args_kwargs__kwargs__has_key="to").delete()
        ids = list(requests.values_list("pk", flat=True))
        # Territory, population, status, themes and dates stay: they are the statistics.
        DiagnosticRequest.objects.filter(pk__in=ids).update(
            first_name="",
            last_name="",
            email="anonyme@invalid",
            phone="",
            needs="",
            diagnostic_summary="",
            resent_token_hashes=[],
            anonymised_at=timezone.now(),
        )
        # Follow-up links go, with the addresses of the colleagues invited.
        FollowUpLink.objects.filter(request_id__in=ids).delete()
        # Messages may name people: their text goes too.
        Event.objects.filter(request_id__in=ids).exclude(body="").update(body="")
        Event.objects.filter(request_id__in=ids, kind=Event.Kind.EDIT).update(changes={})
        # The diagnostic's needs, services and answers stay (what communes need and use); free texts go.
        DiagnosticNeed.objects.filter(request_id__in=ids).update(comment="", internal_note="")
        Recommendation.objects.filter(need__request_id__in=ids).update(reason="")
        # The outbox holds their addresses (and, for e-mails not sent, the text): all of it goes.
        Email.objects.filter(request_id__in=ids).delete()
    return count
