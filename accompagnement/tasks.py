"""E-mails of the ANSM requests, sent by the background worker after the database commit.

A failed sending (SMTP down) never loses the request: it is logged and tried again later.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.tasks.exceptions import InvalidTask
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task()
def send_email(*, template: str, to: list[str], context: dict, attempt: int = 1) -> None:
    """Render ``accompagnement/emails/<template>.txt`` (first line: subject) and send it."""
    subject, _, body = render_to_string(f"accompagnement/emails/{template}.txt", context).strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, to)
    try:
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("E-mail %s not sent (attempt %s of %s): %s", template, attempt, MAX_ATTEMPTS, error)
        if attempt >= MAX_ATTEMPTS:
            logger.error("E-mail %s abandoned after %s attempts.", template, attempt)
            return
        retry = {"template": template, "to": to, "context": context, "attempt": attempt + 1}
        try:
            # Wait longer after each failure: 1, 4, 9, 16 minutes.
            send_email.using(run_after=timezone.now() + timedelta(minutes=attempt**2)).enqueue(**retry)
        except InvalidTask:
            # Backends that cannot defer (immediate, in development and tests) try again at once.
            send_email.enqueue(**retry)
