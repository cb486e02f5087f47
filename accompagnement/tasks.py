"""E-mails of the ANSM requests, sent by the background worker from the outbox (accompagnement/outbox.py).

A failed sending (SMTP down) never loses the e-mail: the attempt is recorded on its outbox row, the task
fails (so the task list shows it as failed) and a new task tries again later; after ``MAX_ATTEMPTS`` the
row is marked as failed, which the request's page and the staff dashboard show.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.tasks.exceptions import InvalidTask
from django.utils import timezone

from accompagnement.models import Delivery, DiagnosticRequest, Email
from core.logging import scrub

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class EmailNotSent(Exception):
    """The mail server refused or did not answer: this attempt failed."""


def _outbox_row_of_legacy_task(*, template: str, to: list[str], context: dict, attempt: int = 1) -> int | None:
    """The outbox row for a task queued before the outbox (it carried the whole e-mail): it is still sent."""
    from accompagnement.outbox import render_email  # the outbox queues this task: imported when needed

    number = str(context.get("reference", "")).rsplit("-", 1)[-1]
    request = (
        DiagnosticRequest.objects.filter(pk=int(number), anonymised_at__isnull=True).first()
        if number.isdigit()
        else None
    )
    if request is None or not to:
        return None
    subject, body = render_email(template, context)
    return Email.objects.create(request=request, template=template, to=to[0], subject=subject, body=body).pk


@task()
def send_email(email_id: int | None = None, **legacy) -> None:
    """Send one outbox e-mail; empty its text once it has left."""
    if email_id is None and (email_id := _outbox_row_of_legacy_task(**legacy)) is None:
        return
    with transaction.atomic():
        # The lock keeps two workers from sending the same e-mail (a retry queued twice).
        email = Email.objects.select_for_update().filter(pk=email_id, delivery=Delivery.PENDING).first()
        if email is None:
            return  # already sent, abandoned, or erased by the purge
        # The From address reads no mail: answers go to the team (ANSM_REPLY_TO_EMAIL).
        message = EmailMessage(
            email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], reply_to=[settings.ANSM_REPLY_TO_EMAIL]
        )
        email.attempts += 1
        try:
            message.send(using="default")
        except (smtplib.SMTPException, OSError) as error:
            # SMTP errors often quote the recipient's address: masked like in the logs.
            email.last_error = scrub(f"{type(error).__name__}: {error}")[:300]
            if email.attempts >= MAX_ATTEMPTS:
                email.delivery = Delivery.FAILED
            email.save(update_fields=["attempts", "last_error", "delivery"])
        else:
            email.delivery, email.body, email.sent_at, email.last_error = Delivery.SENT, "", timezone.now(), ""
            email.save(update_fields=["attempts", "delivery", "body", "sent_at", "last_error"])
            return
    if email.delivery == Delivery.FAILED:
        logger.error("E-mail %s (%s) abandoned after %s attempts.", email.pk, email.template, email.attempts)
    else:
        logger.warning(
            "E-mail %s (%s) not sent (attempt %s of %s).", email.pk, email.template, email.attempts, MAX_ATTEMPTS
        )
        try:
            # Wait longer after each failure: 1, 4, 9, 16 minutes.
            send_email.using(run_after=timezone.now() + timedelta(minutes=email.attempts**2)).enqueue(email.pk)
        except InvalidTask:
            # Backends that cannot defer (immediate, in development and tests) try again at once.
            send_email.enqueue(email.pk)
    raise EmailNotSent(f"E-mail {email.pk} not sent (attempt {email.attempts}): {email.last_error}")
