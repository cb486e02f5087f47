"""Service level of the ANSM team: a first answer within ``ANSM_FIRST_ANSWER_WORKING_DAYS`` working days.

Working days are counted by ``working_days.py``. Reminders run from ``manage.py remind_staff`` (the
platform's daily scheduler), never inside a web request, and leave through the outbox like every e-mail.
"""

from datetime import datetime, time
from itertools import groupby

from django.conf import settings
from django.utils import timezone

from accompagnement.models import DiagnosticRequest, Email, WaitingOn
from accompagnement.outbox import queue_email
from accompagnement.workflow import admin_url
from accompagnement.working_days import cutoff, public_holidays, working_days_before

__all__ = ["late", "public_holidays", "send_staff_reminders", "waiting_too_long", "working_days_before"]


def _cutoff(now: datetime | None = None) -> datetime:
    """Requests received (or waiting) before this moment, Paris time, are past the service level."""
    return cutoff(settings.ANSM_FIRST_ANSWER_WORKING_DAYS, now)


def late(queryset=None, *, now: datetime | None = None):
    """Requests still without a first answer after the service level's working days."""
    queryset = DiagnosticRequest.objects.all() if queryset is None else queryset
    return queryset.unanswered().filter(created_at__lt=_cutoff(now))


def waiting_too_long(*, now: datetime | None = None):
    """Open requests where the team must act and has not for longer than the service level."""
    return (
        DiagnosticRequest.objects.open()
        .with_waiting()
        .filter(waiting_on=WaitingOn.TEAM, waiting_since__lt=_cutoff(now))
        .select_related("commune", "epci", "assignee")
    )


def send_staff_reminders(*, now: datetime | None = None) -> int:
    """Queue for each assignee (the team address for unassigned requests) the list of what waits on them."""

    def recipient(request):
        return (
            request.assignee.email
            if request.assignee and request.assignee.email
            else settings.STAFF_NOTIFICATION_EMAIL
        )

    waiting = sorted(waiting_too_long(now=now), key=lambda request: (recipient(request), request.waiting_since))
    # Run twice the same day (a retried job), the scheduler sends each list once.
    today = timezone.make_aware(datetime.combine(timezone.localdate(now or timezone.now()), time.min))
    reminded = set(Email.objects.filter(template="staff_reminder", created_at__gte=today).values_list("to", flat=True))
    queued = 0
    for address, requests in groupby(waiting, key=recipient):
        if address in reminded:
            continue
        lines = [
            {
                "reference": request.reference,
                "territory": request.territory_name,
                "since": timezone.localtime(request.waiting_since).strftime("%d/%m/%Y"),
                "admin_url": admin_url(request),
            }
            for request in requests
        ]
        # One e-mail about several requests: an outbox row of no single request; the worker sends and retries it.
        queue_email(
            None,
            template="staff_reminder",
            to=address,
            requests=lines,
            working_days=settings.ANSM_FIRST_ANSWER_WORKING_DAYS,
        )
        queued += 1
    return queued
