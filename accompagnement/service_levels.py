"""Service level of the ANSM team: a first answer within ``ANSM_FIRST_ANSWER_WORKING_DAYS`` working days.

Working days are Monday to Friday without the French public holidays of the Code du travail (article
L3133-1); the extra days of Alsace-Moselle are not counted out. Reminders run from ``manage.py remind_staff``
(the platform's daily scheduler), never inside a web request.
"""

import logging
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from accompagnement.models import DiagnosticRequest, WaitingOn
from accompagnement.outbox import render_email
from accompagnement.workflow import admin_url

logger = logging.getLogger(__name__)


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 19 * m) // 433
    month = (h + m - 7 * n + 90) // 25
    return date(year, month, (h + m - 7 * n + 33 * month + 19) % 32)


def public_holidays(year: int) -> set[date]:
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {date(year, month, day) for month, day in fixed} | {
        easter + timedelta(days=1),  # lundi de Pâques
        easter + timedelta(days=39),  # Ascension
        easter + timedelta(days=50),  # lundi de Pentecôte
    }


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The date ``count`` working days before ``day``."""
    while count > 0:
        day -= timedelta(days=1)
        count -= int(is_working_day(day))
    return day


def _cutoff(now: datetime | None = None) -> datetime:
    """Requests received (or waiting) before this moment, Paris time, are past the service level."""
    today = timezone.localdate(now or timezone.now())
    limit = working_days_before(today, settings.ANSM_FIRST_ANSWER_WORKING_DAYS)
    return timezone.make_aware(datetime.combine(limit, time.min))


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
    """E-mail each assignee (the team address for unassigned requests) the list of what waits on them."""

    def recipient(request):
        return (
            request.assignee.email
            if request.assignee and request.assignee.email
            else settings.STAFF_NOTIFICATION_EMAIL
        )

    waiting = sorted(waiting_too_long(now=now), key=lambda request: (recipient(request), request.waiting_since))
    sent = 0
    for address, requests in groupby(waiting, key=recipient):
        lines = [
            {
                "reference": request.reference,
                "territory": request.territory_name,
                "since": timezone.localtime(request.waiting_since).strftime("%d/%m/%Y"),
                "admin_url": admin_url(request),
            }
            for request in requests
        ]
        context = {"requests": lines, "working_days": settings.ANSM_FIRST_ANSWER_WORKING_DAYS}
        subject, body = render_email("staff_reminder", context)
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
            sent += 1
        except OSError as error:  # SMTP down: tomorrow's run sends the list again
            logger.warning("Reminder to %s not sent: %s", address, error)
    return sent
