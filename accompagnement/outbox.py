"""The outbox of the ANSM e-mails: each e-mail is a row of its request, sent by the worker after the commit.

The task queue only ever holds an outbox row's id, so the requester's address, name, messages and follow-up
link (its raw token) never reach the task table; the row's text is emptied once sent, and the purge erases it.
"""

from django.db import transaction
from django.template.loader import render_to_string

from accompagnement.models import DiagnosticRequest, Email
from accompagnement.tasks import send_email


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Subject and text of ``accompagnement/emails/<template>.txt`` (its first line is the subject)."""
    subject, _, body = render_to_string(f"accompagnement/emails/{template}.txt", context).strip().partition("\n")
    return subject.strip()[:250], body.strip() + "\n"


def queue_email(request: DiagnosticRequest | None, *, template: str, to: str, **context) -> Email:
    """Render ``accompagnement/emails/<template>.txt`` (first line: subject) into the outbox; send after commit.

    ``request`` is None only for an e-mail about several requests (the staff reminder)."""
    subject, body = render_email(template, context)
    email = Email.objects.create(request=request, template=template, to=to, subject=subject, body=body)
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email
