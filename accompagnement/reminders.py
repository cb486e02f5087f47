"""Service level for requesters: staged reminders to a requester who does not answer the team, then closing.

A request waits on the requester after a text of the team (the inbox's "à qui la main"). After
``ANSM_REQUESTER_REMINDER_DAYS`` working days without an answer (7 then 14 by default) the requester gets a
reminder, and after ``ANSM_REQUESTER_CLOSE_DAYS`` (21) the request is closed "sans suite": refused with the
reason "sans réponse", which the status model already declares, and a message. Each step counts from the
previous one, so a scheduler that stopped for a while never sends two steps on one day; an answer of the
requester, or a new text of the team, starts the count again. ``manage.py remind_requesters`` runs it daily;
``workflow.remind_requester`` does each step under the row lock.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from accompagnement.models import DiagnosticRequest, Event, Status, WaitingOn
from accompagnement.working_days import cutoff, working_days_after

# Only while the team needs the requester to go on: a planned diagnostic waits on its date, not on an answer.
REMINDED_STATUSES = [Status.NEW, Status.QUALIFYING]


@dataclass(frozen=True)
class Step:
    number: int  # 1 for the first reminder; the step after the last reminder closes the request
    closes: bool
    waiting_since: datetime
    close_on: date  # the requester is told: without an answer, the request is closed from this day on


def schedule() -> list[int]:
    """Working days of each reminder, then of the closing."""
    return [*settings.ANSM_REQUESTER_REMINDER_DAYS, settings.ANSM_REQUESTER_CLOSE_DAYS]


def candidates(*, now: datetime | None = None):
    """Ids of the requests that may have a step due: waiting on the requester for longer than the first delay."""
    return (
        DiagnosticRequest.objects.filter(status__in=REMINDED_STATUSES, anonymised_at__isnull=True)
        .with_waiting()
        .filter(waiting_on=WaitingOn.REQUESTER, waiting_since__lt=cutoff(schedule()[0], now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def due_step(request_id: int, *, now: datetime | None = None) -> Step | None:
    """The step due today for this request, or None (answered, not waiting long enough, already done today)."""
    row = (
        DiagnosticRequest.objects.filter(pk=request_id, status__in=REMINDED_STATUSES, anonymised_at__isnull=True)
        .with_waiting()
        .values("waiting_on", "waiting_since")
        .first()
    )
    if row is None or row["waiting_on"] != WaitingOn.REQUESTER:
        return None
    sent = list(
        Event.objects.filter(request_id=request_id, kind=Event.Kind.REMINDER, created_at__gte=row["waiting_since"])
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    days = schedule()
    done = min(len(sent), len(days) - 1)
    gap = days[done] - (days[done - 1] if done else 0)
    anchor = sent[-1] if sent else row["waiting_since"]
    if anchor >= cutoff(gap, now):
        return None
    # Each later step comes on the first working day past its delay, counted from the step before it.
    close_on = timezone.localdate(now or timezone.now())
    for before, after in zip(days[done:], days[done + 1 :], strict=False):
        close_on = working_days_after(close_on, after - before + 1)
    return Step(number=done + 1, closes=done == len(days) - 1, waiting_since=row["waiting_since"], close_on=close_on)
