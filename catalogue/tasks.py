"""The e-mail that confirms a usage declaration (double opt-in), sent by the background worker after the commit.

The task carries only the declaration's id: it draws the link's token itself and stores only its hash, so
neither the token nor the address sits in the task table (whose arguments the database backend keeps).
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.tasks.exceptions import InvalidTask
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalogue.models import UsageDeclaration

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task()
def send_declaration_link(declaration_id: int, attempt: int = 1) -> None:
    """Send the confirmation link of a declaration still waiting for it (each attempt draws a new link)."""
    with transaction.atomic():
        declaration = (
            UsageDeclaration.objects.select_for_update(of=("self",))
            .select_related("service", "commune", "epci", "departement", "region")
            .filter(pk=declaration_id, status=UsageDeclaration.Status.AWAITING_EMAIL)
            .first()
        )
        if declaration is None:
            return  # confirmed, handled or deleted meanwhile
        token = declaration.new_token()
        declaration.save(update_fields=["token_hash"])
    context = {
        "service": declaration.service.name,
        "body": str(declaration.body),
        "kind": declaration.get_kind_display(),
        "confirm_url": f"{settings.SITE_URL}{reverse('usage:confirm', kwargs={'token': token})}",
    }
    subject, _, body = render_to_string("catalogue/emails/usage_confirm.txt", context).strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [declaration.email])
    try:
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Declaration link %s not sent (attempt %s): %s", declaration_id, attempt, type(error).__name__)
        if attempt >= MAX_ATTEMPTS:
            return
        try:
            # Wait longer after each failure: 1, 4, 9, 16 minutes.
            later = timezone.now() + timedelta(minutes=attempt**2)
            send_declaration_link.using(run_after=later).enqueue(declaration_id, attempt + 1)
        except InvalidTask:
            # Backends that cannot defer (immediate, in development and tests) try again at once.
            send_declaration_link.enqueue(declaration_id, attempt + 1)
