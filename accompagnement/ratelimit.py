"""A per-client limit on the public forms' posts, counted in the database so it holds across web processes."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accompagnement.models import SubmissionCounter


def client_key(request) -> str:
    """The client's address. Behind the platform's proxy, the last hop it appended (a client cannot forge it)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    address = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return address[:45] or "inconnu"


def is_limited(request, *, scope: str, limit: int, window: timedelta) -> bool:
    """Count this post; True when the client has made more than ``limit`` in the current window."""
    now = timezone.now()
    start = now - timedelta(seconds=now.timestamp() % window.total_seconds())
    key = f"{scope}:{client_key(request)}:{int(start.timestamp())}"
    table = SubmissionCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement, so that concurrent posts from several processes all count.
        cursor.execute(
            f"""
            INSERT INTO {table} (key, count, window_start) VALUES (%s, 1, %s)
            ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1
            RETURNING count
            """,
            [key, start],
        )
        (count,) = cursor.fetchone()
    if count == 1:
        # Old windows are of no use: a cheap clean-up on the first post of each window.
        SubmissionCounter.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return count > limit
