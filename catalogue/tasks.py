"""The catalogue's e-mails, sent by the background worker after the commit: the link that confirms a usage
declaration (double opt-in), and the staff's list of usages that now ask for confirmation.

The declaration task carries only the declaration's id: it draws the link's token itself and stores only its
hash, so neither the token nor the address sits in the task table (whose arguments the database backend keeps).
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

from catalogue.models import Deployment, UsageDeclaration, UsageState

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
    _send_or_retry(message, send_declaration_link, declaration_id, attempt=attempt)


@task()
def send_usages_to_confirm(deployment_ids: list[int], attempt: int = 1) -> None:
    """Tell the staff which usages now show « à confirmer », each with the admin page where they confirm it.

    The staff are the ones who can confirm: the declaring agent's address is deleted a year after the decision
    (personal data kept no longer than needed), so it is gone when a usage reaches 24 months.
    """
    deployments = (
        Deployment.objects.filter(pk__in=deployment_ids, state=UsageState.TO_CONFIRM)
        .select_related("service", "commune", "epci", "departement", "region")
        .order_by("service__name", "pk")
    )
    usages = [
        {
            "name": f"{deployment.user_name} — {deployment.service.name}",
            "url": settings.SITE_URL + reverse("admin:catalogue_deployment_change", args=[deployment.pk]),
        }
        for deployment in deployments
    ]
    if not usages:
        return  # confirmed or hidden meanwhile
    context = {
        "usages": usages,
        "list_url": settings.SITE_URL + reverse("admin:catalogue_deployment_changelist") + "?state__exact=to_confirm",
    }
    subject, _, body = render_to_string("catalogue/emails/usages_to_confirm.txt", context).strip().partition("\n")
    message = EmailMessage(
        subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [settings.STAFF_NOTIFICATION_EMAIL]
    )
    _send_or_retry(message, send_usages_to_confirm, deployment_ids, attempt=attempt)


def _send_or_retry(message: EmailMessage, again, argument, *, attempt: int) -> None:
    """Send ``message``; when SMTP fails, queue ``again(argument)`` for later, up to ``MAX_ATTEMPTS`` in all."""
    try:
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("%s not sent (attempt %s): %s", again.name, attempt, type(error).__name__)
        if attempt >= MAX_ATTEMPTS:
            return
        try:
            # Wait longer after each failure: 1, 4, 9, 16 minutes.
            later = timezone.now() + timedelta(minutes=attempt**2)
            again.using(run_after=later).enqueue(argument, attempt + 1)
        except InvalidTask:
            # Backends that cannot defer (immediate, in development and tests) try again at once.
            again.enqueue(argument, attempt + 1)
