"""Working days of the ANSM team: Monday to Friday without the French public holidays.

The holidays are those of the Code du travail (article L3133-1); the extra days of Alsace-Moselle are not
counted out. Both service levels (the team's first answer, the requester's reminders) count in these days.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


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


def cutoff(days: int, now: datetime | None = None) -> datetime:
    """Midnight (Paris time) ``days`` working days before today: what is older has waited more than ``days``."""
    today = timezone.localdate(now or timezone.now())
    limit = working_days_before(today, days)
    return timezone.make_aware(datetime.combine(limit, time.min))


def working_days_after(day: date, count: int) -> date:
    """The date ``count`` working days after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        count -= int(is_working_day(day))
    return day
