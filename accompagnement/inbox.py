"""What the chargé·es read while triaging: the trail in plain French, previews of the e-mails, colleagues."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import formats, timezone

from accompagnement.models import TRIAGE_GROUP, DiagnosticRequest, Event, RefusalReason, Status
from accompagnement.outbox import render_email
from accompagnement.workflow import person


def chargees(*, keeping: int | None = None):
    """Active staff of the chargé·e group, by name: the people a request can be given to (plus ``keeping``)."""
    users = get_user_model().objects
    wanted = Q(is_active=True, is_staff=True, groups__name=TRIAGE_GROUP)
    if keeping:
        wanted |= Q(pk=keeping)
    return users.filter(pk__in=users.filter(wanted).values("pk")).order_by("first_name", "last_name", "username")


def user_id(text: str) -> int | None:
    """A user id typed in a query string or posted, or None: "abc" or a number past PostgreSQL's integer is no id."""
    return int(text) if text.isdigit() and int(text) < 2**31 else None


def paris_time(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i")


def _field_label(name: str) -> str:
    try:
        return DiagnosticRequest._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - older rows may name a field that no longer exists, or a free label
        return name


def describe_event(event: Event) -> str:
    """One line of the trail as a chargé·e reads it, without codes or JSON."""
    if event.kind == Event.Kind.STATUS:
        if not event.old_status:
            text = "Demande reçue."
        else:
            text = f"Statut : « {Status(event.old_status).label} » → « {Status(event.new_status).label} »."
        if event.body:
            who = "message au demandeur" if event.author_id or event.is_automatic else "mot du demandeur"
            text += f" {who.capitalize()} : « {event.body} »"
        return text
    if event.kind == Event.Kind.ASSIGNMENT:
        before, after = next(iter(event.changes.values()), ["", ""])
        if not after:
            return f"Demande retirée à {before}." if before else "Demande laissée sans chargé·e."
        return f"Demande attribuée à {after}" + (f" (auparavant {before})." if before else ".")
    if event.kind == Event.Kind.LABEL:
        ((change, name),) = event.changes.items() or [("ajoutée", "")]
        return f"Étiquette « {name} » {change}."
    if event.kind == Event.Kind.EDIT:
        parts = [
            f"{_field_label(name)} : « {before or 'vide'} » → « {after or 'vide'} »"
            for name, (before, after) in event.changes.items()
        ]
        return "Modification — " + " ; ".join(parts) + "."
    labels = {
        Event.Kind.MESSAGE_TO_REQUESTER: "Message au demandeur",
        Event.Kind.MESSAGE_FROM_REQUESTER: "Message du demandeur",
        Event.Kind.NOTE: "Note interne",
        Event.Kind.DIAGNOSTIC: "Diagnostic publié au demandeur",
        Event.Kind.ANSWER: "Réponse du demandeur à une recommandation",
        Event.Kind.REMINDER: "Relance envoyée au demandeur",
    }
    if event.kind == Event.Kind.DIAGNOSTIC:
        return labels[event.kind] + (f" ({event.body})." if event.body else ".")
    return f"{labels[event.kind]} : « {event.body} »"


def trail(request: DiagnosticRequest) -> list[dict]:
    """The request's history, oldest first, each line with its Paris time and its author."""
    events = request.events.select_related("author").order_by("created_at", "pk")
    return [
        {
            "at": paris_time(event.created_at),
            "author": _author(event),
            "text": describe_event(event),
            "internal": not event.is_public,
        }
        for event in events
    ]


def _author(event: Event) -> str:
    if event.author:
        return person(event.author)
    if event.is_automatic:
        return f"automatique ({event.changes[Event.AUTOMATIC]})"
    return "le demandeur" if event.kind != Event.Kind.STATUS or event.old_status else ""


def earlier_requests(request: DiagnosticRequest):
    """The other requests of the same commune or EPCI, the latest first."""
    same = {"commune_id": request.commune_id} if request.commune_id else {"epci_id": request.epci_id}
    return DiagnosticRequest.objects.filter(**same).exclude(pk=request.pk).order_by("-created_at")


def requester_email_preview(request: DiagnosticRequest, *, status: str = "", reason: str = "", message: str = ""):
    """Subject and text of the e-mail the requester will receive, rendered by the template the task uses."""
    context = {"reference": request.reference, "territory": request.territory_name, "first_name": request.first_name}
    if status:
        template = "status_changed"
        context |= {
            "status": Status(status).label,
            "reason": RefusalReason(reason).label if reason else "",
            "note": message,
        }
    else:
        template = "staff_message"
        context |= {"body": message}
    subject, body = render_email(template, context)
    return {"subject": subject, "body": body, "to": request.email}
