"""A per-client limit on the public forms' posts, counted in the database so it holds across web processes.

Only what the limit protects against is counted: posts that reach the workflow (a request saved, a message or
an e-mail sent, a robot's post). A form sent back with an error to correct costs nothing.
"""

import logging
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accompagnement.models import SubmissionCounter
from core.clientip import client_ip

logger = logging.getLogger(__name__)


def _window_key(request, scope: str, window: timedelta) -> tuple[str, object]:
    now = timezone.now()
    start = now - timedelta(seconds=now.timestamp() % window.total_seconds())
    return f"{scope}:{client_ip(request) or 'inconnu'}:{int(start.timestamp())}", start


def is_limited(request, *, scope: str, limit: int, window: timedelta) -> bool:
    """True when the client has already made ``limit`` counted posts in the current window (nothing counted)."""
    key, _ = _window_key(request, scope, window)
    count = SubmissionCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0
    if count >= limit:
        logger.warning("Rate limit of %s reached for %s.", scope, client_ip(request))
    return count >= limit


def count_post(request, *, scope: str, window: timedelta) -> None:
    """Count one post of this client that reached the workflow."""
    key, start = _window_key(request, scope, window)
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
        SubmissionCounter.objects.filter(window_start__lt=timezone.now() - timedelta(days=1)).delete()
