"""The life of an ANSM request: one declared table of allowed transitions and one function per action.

Each function locks the request row, refuses what is not allowed with ``TransitionNotAllowed``, writes
the trail (who, when, before, after) and queues the e-mails once the transaction has committed.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accompagnement import diagnostic, reminders, routing
from accompagnement.models import (
    Answer,
    DiagnosticRequest,
    Event,
    FollowUpLink,
    Label,
    Recommendation,
    RefusalReason,
    RequestLabel,
    Status,
)
from accompagnement.outbox import queue_email
from catalogue import usage_workflow
from territoires.models import Commune, Epci

ALLOWED = {
    Status.NEW: {Status.QUALIFYING, Status.DECLINED, Status.WITHDRAWN},
    Status.QUALIFYING: {Status.SCHEDULED, Status.DECLINED, Status.WITHDRAWN},
    Status.SCHEDULED: {Status.DIAGNOSED, Status.QUALIFYING, Status.DECLINED, Status.WITHDRAWN},
    Status.DIAGNOSED: {Status.SUPPORTING, Status.CLOSED, Status.DECLINED, Status.WITHDRAWN},
    Status.SUPPORTING: {Status.CLOSED, Status.DECLINED, Status.WITHDRAWN},
    Status.CLOSED: set(),
    Status.DECLINED: set(),
    Status.WITHDRAWN: set(),
}


class TransitionNotAllowed(Exception):
    """The request is not in a status from which this action is possible (often: already done)."""

    def __init__(self, current: str, wanted: str):
        self.current, self.wanted = current, wanted
        super().__init__(
            f"La demande est « {Status(current).label} » : elle ne peut pas passer à « {Status(wanted).label} »."
        )


class OpenRequestExists(Exception):
    """The territory already has an open request: no duplicate is created."""

    def __init__(self, existing: DiagnosticRequest):
        self.existing = existing
        super().__init__(f"Une demande est déjà en cours pour ce territoire ({existing.reference}).")


class MissingRefusalReason(ValueError):
    """A refusal without one of the declared reasons."""

    def __init__(self):
        super().__init__("Choisissez le motif du refus.")


def check_move(current: str, to: str, *, reason: str = "") -> None:
    """Raise if ``current`` may not become ``to``, or if a refusal has no declared reason."""
    if to not in ALLOWED.get(current, set()):
        raise TransitionNotAllowed(current, to)
    if to == Status.DECLINED and reason not in RefusalReason.values:
        raise MissingRefusalReason


def allowed_next(status: str) -> list[str]:
    return sorted(ALLOWED.get(status, set()), key=list(Status).index)


def follow_up_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accompagnement:follow_up', kwargs={'token': token})}"


def _notify_requester(request: DiagnosticRequest, template: str, *, to: str = "", **context) -> None:
    """Queue an e-mail to the requester (or ``to``): each one carries a working follow-up link of its own."""
    if "follow_up_url" not in context:
        context["follow_up_url"] = follow_up_url(FollowUpLink.make(request, kind=FollowUpLink.Kind.EMAIL))
    context = {
        "reference": request.reference,
        "territory": request.territory_label,
        "first_name": request.first_name,
        "status": request.get_status_display(),
        "status_explanation": request.status_explanation,
        "first_answer_days": settings.ANSM_FIRST_ANSWER_WORKING_DAYS,
        **context,
    }
    queue_email(request, template=template, to=to or request.email, **context)


def request_recap(request: DiagnosticRequest) -> dict:
    """What the requester sent, as the confirmation e-mail and the follow-up page repeat it."""
    return {
        "territory": request.territory_label,
        "needs": request.needs,
        "themes": [theme.name for theme in request.themes.all()],
        "services": [service.name for service in request.services.all()],
        "requester": f"{request.first_name} {request.last_name}, {request.get_role_display()}",
        "email": request.email,
        "phone": request.phone,
    }


@dataclass(frozen=True)
class RequestSubmission:
    """One posted request form, typed: the workflow's only input for a new request."""

    territory: Commune | Epci
    population: int
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str
    needs: str
    themes: list
    services: list
    submission_key: uuid.UUID

    @property
    def territory_filter(self) -> dict:
        return {"commune": self.territory} if isinstance(self.territory, Commune) else {"epci": self.territory}


class Outcome(StrEnum):
    CREATED = "created"
    ALREADY_SENT = "already_sent"  # the same form posted again (double click, back and resend)
    OPEN_REQUEST_EXISTS = "open_request_exists"  # the territory already has an open request


@dataclass
class Submitted:
    outcome: Outcome
    request: DiagnosticRequest
    token: str = ""


def _already_there(submission: RequestSubmission) -> Submitted | None:
    """The request this form already made, or the territory's open request: both answer without a duplicate."""
    again = DiagnosticRequest.objects.filter(submission_key=submission.submission_key).first()
    if again is not None:
        return Submitted(Outcome.ALREADY_SENT, again)
    open_request = DiagnosticRequest.objects.open().filter(**submission.territory_filter).first()
    if open_request is not None:
        return Submitted(Outcome.OPEN_REQUEST_EXISTS, open_request)
    return None


def submit_request(submission: RequestSubmission) -> Submitted:
    """Save a new request and queue its two e-mails; the same form posted twice gives the same request, and a
    territory with an open request gets no second one (checked first, and by the database under a race)."""
    existing = _already_there(submission)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = DiagnosticRequest(
                **submission.territory_filter,
                population=submission.population,
                **{
                    name: getattr(submission, name)
                    for name in ("first_name", "last_name", "role", "email", "phone", "needs")
                },
                submission_key=submission.submission_key,
                consent_at=timezone.now(),
            )
            token = request.new_token()
            request.save()
            request.themes.set(submission.themes)
            request.services.set(submission.services)
            Event.objects.create(request=request, kind=Event.Kind.STATUS, new_status=Status.NEW)
            route_request(request)
            _notify_requester(
                request, "request_received", follow_up_url=follow_up_url(token), recap=request_recap(request)
            )
            queue_email(
                request,
                template="staff_new_request",
                # The sector's lone chargé·e, who now holds the request, else the team.
                to=request.assignee.email
                if request.assignee and request.assignee.email
                else settings.STAFF_NOTIFICATION_EMAIL,
                reference=request.reference,
                territory=request.territory_label,
                population=request.population,
                admin_url=admin_url(request),
            )
    except IntegrityError:
        # A concurrent post won the race: the same form (same key) or another one for the same territory.
        existing = _already_there(submission)
        if existing is None:
            raise
        return existing
    return Submitted(Outcome.CREATED, request, token)


def _set_status(request, to: str, *, author=None, note: str = "", reason: str = "", changes=None) -> None:
    """On a locked request: check the move, change the status and write its history row (no e-mail)."""
    check_move(request.status, to, reason=reason)
    old = request.status
    request.status = to
    request.refusal_reason = reason if to == Status.DECLINED else ""
    request.save(update_fields=["status", "refusal_reason", "updated_at"])
    Event.objects.create(
        request=request,
        kind=Event.Kind.STATUS,
        author=author,
        old_status=old,
        new_status=to,
        body=note,
        changes=changes or {},
    )


def move_request(request_id: int, *, to: str, by, note: str = "", reason: str = "") -> DiagnosticRequest:
    """Change a request's status, record who did it, e-mail the requester after the commit."""
    with transaction.atomic():
        # The row lock makes two staff members acting at once take turns: the second sees the new status.
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        author = by if getattr(by, "is_authenticated", False) else None
        _set_status(request, to, author=author, note=note, reason=reason)
        if author is not None:  # the requester does not need an e-mail about what they did themselves
            _notify_requester(
                request,
                "status_changed",
                reason=RefusalReason(reason).label if reason else "",
                note=note,
            )
    return request


def withdraw_request(request_id: int, *, note: str = "") -> DiagnosticRequest:
    """The requester gives up their request from the follow-up page (after confirming it)."""
    return move_request(request_id, to=Status.WITHDRAWN, by=None, note=note)


# A requester who withdrew by mistake may take it back for this long; after that, a new request is the way.
UNDO_WITHDRAWAL_DAYS = 30


def undo_deadline(request: DiagnosticRequest, events=None):
    """Until when the requester may take back their own withdrawal, or None when they may not."""
    if request.status != Status.WITHDRAWN:
        return None
    events = events if events is not None else request.events.filter(kind=Event.Kind.STATUS)
    last = max((event for event in events if event.kind == Event.Kind.STATUS), key=_position, default=None)
    if last is None or last.new_status != Status.WITHDRAWN or last.author_id is not None or not last.old_status:
        return None  # withdrawn by staff, or nothing to go back to
    deadline = last.created_at + timedelta(days=UNDO_WITHDRAWAL_DAYS)
    return deadline if timezone.now() < deadline else None


def _position(event: Event):
    return (event.created_at, event.pk)


def undo_withdrawal(request_id: int) -> DiagnosticRequest:
    """Put a request the requester withdrew back where it was; refused once another request is open."""
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        if undo_deadline(request) is None:
            raise TransitionNotAllowed(request.status, request.status)
        territory = {"commune": request.commune_id} if request.commune_id else {"epci": request.epci_id}
        other = DiagnosticRequest.objects.open().filter(**territory).exclude(pk=request.pk).first()
        if other is not None:
            raise OpenRequestExists(other)
        back_to = request.events.filter(kind=Event.Kind.STATUS).latest("created_at", "pk").old_status
        request.status = back_to
        request.save(update_fields=["status", "updated_at"])
        Event.objects.create(
            request=request,
            kind=Event.Kind.STATUS,
            old_status=Status.WITHDRAWN,
            new_status=back_to,
            body="Retrait annulé par le demandeur.",
        )
    return request


def assign_request(request_id: int, *, to_user, by) -> DiagnosticRequest:
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        old = request.assignee
        request.assignee = to_user
        request.save(update_fields=["assignee", "updated_at"])
        Event.objects.create(
            request=request,
            kind=Event.Kind.ASSIGNMENT,
            author=by,
            changes={"chargé·e": [person(old), person(to_user)]},
        )
    return request


def post_message(request_id: int, *, body: str, by=None, internal: bool = False) -> Event:
    """A message from staff (e-mailed to the requester), a staff note, or a message from the requester."""
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        if by is None:
            if not request.is_open:
                raise TransitionNotAllowed(request.status, request.status)
            kind = Event.Kind.MESSAGE_FROM_REQUESTER
            queue_email(
                request,
                template="staff_new_message",
                to=request.assignee.email
                if request.assignee and request.assignee.email
                else settings.STAFF_NOTIFICATION_EMAIL,
                reference=request.reference,
                territory=request.territory_label,
                body=body,
                admin_url=admin_url(request),
            )
        elif internal:
            kind = Event.Kind.NOTE
        else:
            kind = Event.Kind.MESSAGE_TO_REQUESTER
            _notify_requester(request, "staff_message", body=body)
        event = Event.objects.create(request=request, kind=kind, author=by, body=body)
        request.save(update_fields=["updated_at"])
    return event


# Anyone who types the territory's name can ask for the link: at most one e-mail per request in this time.
RESEND_INTERVAL = timedelta(minutes=15)


class LinkResentRecently(Exception):
    """The follow-up link of this request was sent again less than ``RESEND_INTERVAL`` ago."""


def resend_link(request_id: int) -> DiagnosticRequest:
    """Send a follow-up link to the address on file; the link already in use keeps working.

    Only hashes of tokens are stored, so the old link cannot be sent again: a new one is added beside it.
    """
    with transaction.atomic():
        locked = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        now = timezone.now()
        if locked.link_resent_at and now - locked.link_resent_at < RESEND_INTERVAL:
            raise LinkResentRecently
        token = locked.add_token()
        locked.link_resent_at = now
        locked.save(update_fields=["resent_token_hashes", "link_resent_at"])
        _notify_requester(locked, "follow_up_link", follow_up_url=follow_up_url(token))
    return locked


def admin_url(request: DiagnosticRequest) -> str:
    return f"{settings.SITE_URL}{reverse('admin:accompagnement_diagnosticrequest_change', args=[request.pk])}"


def edit_request(request_id: int, *, by, values: dict) -> DiagnosticRequest:
    """Save staff edits of the diagnostic fields and record each one with its old and new value."""
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        changes = {}
        for name, value in values.items():
            field = DiagnosticRequest._meta.get_field(name)
            if field.many_to_many:
                before = ", ".join(str(item) for item in getattr(request, name).all())
                getattr(request, name).set(value)
                after = ", ".join(str(item) for item in getattr(request, name).all())
            else:
                before, after = getattr(request, name), value
                setattr(request, name, value)
            if before != after:
                changes[name] = [_shown(before), _shown(after)]
        request.save(
            update_fields=[name for name in values if not DiagnosticRequest._meta.get_field(name).many_to_many]
            + ["updated_at"]
        )
        if changes:
            Event.objects.create(request=request, kind=Event.Kind.EDIT, author=by, changes=changes)
    return request


def _shown(value) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value or "")


def person(user) -> str:
    """How staff name a colleague in the trail: full name, else login."""
    return (user.get_full_name() or user.get_username()) if user else ""


# A lost link is sent again at most this often per request and address, however often someone asks.
RECOVERY_INTERVAL = timedelta(minutes=15)
MAX_COLLEAGUES = 5


def send_lost_links(email: str) -> None:
    """E-mail a new follow-up link of every request of ``email`` (as requester or invited colleague), to the
    address on file; nothing tells the person asking whether any exists."""
    requests = DiagnosticRequest.objects.filter(anonymised_at__isnull=True).select_related(
        "commune__departement", "epci"
    )
    as_requester = list(requests.filter(email__iexact=email)[:20])
    as_colleague = FollowUpLink.objects.filter(kind=FollowUpLink.Kind.COLLEAGUE, email__iexact=email)
    colleague_of = {link.request_id: link.email for link in as_colleague}
    recipients = [(request, request.email) for request in as_requester]
    recipients += [(request, colleague_of[request.pk]) for request in requests.filter(pk__in=list(colleague_of)[:20])]
    since = timezone.now() - RECOVERY_INTERVAL
    with transaction.atomic():
        for request, address in recipients:
            recent = request.links.filter(kind=FollowUpLink.Kind.RECOVERY, email=address, created_at__gte=since)
            if recent.exists():
                continue
            token = FollowUpLink.make(request, kind=FollowUpLink.Kind.RECOVERY, email=address)
            _notify_requester(request, "follow_up_link", to=address, follow_up_url=follow_up_url(token))


class TooManyColleagues(Exception):
    """A request can be shared with a few colleagues only."""


def invite_colleague(request_id: int, *, email: str) -> FollowUpLink:
    """Give a colleague (the maire, an adjoint) a follow-up link of their own and e-mail it to them."""
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        if not request.is_open:
            raise TransitionNotAllowed(request.status, request.status)
        colleagues = request.links.filter(kind=FollowUpLink.Kind.COLLEAGUE)
        if colleagues.filter(email__iexact=email).exists():
            return colleagues.get(email__iexact=email)
        if colleagues.count() >= MAX_COLLEAGUES:
            raise TooManyColleagues
        token = FollowUpLink.make(request, kind=FollowUpLink.Kind.COLLEAGUE, email=email)
        _notify_requester(
            request,
            "colleague_invited",
            to=email,
            follow_up_url=follow_up_url(token),
            inviter=f"{request.first_name} {request.last_name} ({request.get_role_display()})",
        )
        request.save(update_fields=["updated_at"])
    return request.links.get(kind=FollowUpLink.Kind.COLLEAGUE, email=email)


# ---------------------------------------------------------------- the diagnostic (rules in diagnostic.py)


class DiagnosticNotPublishable(Exception):
    """The diagnostic lacks something (a summary, a need) or the request is not at the stage of a diagnostic."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


class AnswerRefused(Exception):
    """The requester's answer cannot replace the one already given."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def publish_diagnostic(request_id: int, *, by) -> DiagnosticRequest:
    """Show the diagnostic on the requester's follow-up page and e-mail them; a planned diagnostic becomes
    "réalisé". Publishing again (after corrections) sends a new e-mail and records it again."""
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        problems = diagnostic.publication_problems(request)
        if problems:
            raise DiagnosticNotPublishable(problems)
        again = diagnostic.is_published(request)
        if request.status == Status.SCHEDULED:
            _set_status(request, Status.DIAGNOSED, author=by)
        request.diagnostic_published_at = timezone.now()
        request.save(update_fields=["diagnostic_published_at", "updated_at"])
        Event.objects.create(
            request=request, kind=Event.Kind.DIAGNOSTIC, author=by, body="mis à jour" if again else ""
        )
        _notify_requester(
            request,
            "diagnostic_published",
            again=again,
            needs=[(need.get_priority_display(), need.label) for need in diagnostic.needs_for_requester(request)],
        )
    return request


def answer_recommendation(
    request_id: int, recommendation_id: int, *, answer: str, since=None, use_case: str = "", reason: str = ""
) -> tuple[Recommendation, bool]:
    """Record what the requester says of a recommendation; "deployed" starts a usage of the service for staff to
    verify (or joins the one already known). The same answer posted twice changes nothing: returns (it, changed)."""
    with transaction.atomic():
        # The request's lock makes a double click take turns: the second post sees the first answer.
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        if not diagnostic.can_answer(request):
            raise TransitionNotAllowed(request.status, request.status)
        recommendation = Recommendation.objects.select_related("service", "need").get(
            pk=recommendation_id, need__request=request, service__is_published=True
        )
        refusal = diagnostic.answer_refusal(recommendation, answer)
        if refusal:
            raise AnswerRefused(refusal)
        if recommendation.answer == answer == Answer.DEPLOYED or (
            recommendation.answer == answer and recommendation.reason == reason
        ):
            return recommendation, False
        recommendation.answer, recommendation.answered_at = answer, timezone.now()
        if answer == Answer.DEPLOYED:
            recommendation.deployed_since, recommendation.use_case = since, use_case
            recommendation.deployment, _ = usage_workflow.start_usage_from_diagnostic(
                recommendation.service,
                body={"commune": request.commune, "epci": request.epci},
                reference=request.reference,
                since=since,
                use_case=use_case,
            )
        else:
            recommendation.reason = reason
        recommendation.save()
        detail = use_case if answer == Answer.DEPLOYED else reason
        Event.objects.create(
            request=request,
            kind=Event.Kind.ANSWER,
            body=f"{recommendation.service.name} : {Answer(answer).label}" + (f" — {detail}" if detail else ""),
        )
        request.save(update_fields=["updated_at"])
    return recommendation, True


def record_diagnostic_edit(request_id: int, *, by, changes: dict) -> None:
    """Write the trail row of staff edits of the diagnostic's needs (``{"besoin « … »": [before, after]}``)."""
    if not changes:
        return
    with transaction.atomic():
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        Event.objects.create(request=request, kind=Event.Kind.EDIT, author=by, changes=changes)
        request.save(update_fields=["updated_at"])


# Routing, requester reminders and labels (issue 14).


def route_request(request: DiagnosticRequest) -> None:
    """Give a new request to its sector's chargé·e when the sector has only one (recorded as automatic)."""
    chargee = routing.sole_member(request.pk)
    if chargee is None:
        return
    request.assignee = chargee
    request.save(update_fields=["assignee", "updated_at"])
    Event.objects.create(
        request=request,
        kind=Event.Kind.ASSIGNMENT,
        changes={"chargé·e": ["", person(chargee)], Event.AUTOMATIC: "secteur du département"},
    )


def remind_requester(request_id: int, *, now=None) -> str:
    """Send the reminder due today to a requester who does not answer, or close the request after the last one.

    Returns "reminded", "closed" or "" when nothing is due (already done today, or the requester answered).
    """
    with transaction.atomic():
        # Locked, then checked again: two runs of the scheduler at once send each step once.
        request = DiagnosticRequest.objects.select_for_update().get(pk=request_id)
        step = reminders.due_step(request_id, now=now)
        if step is None:
            return ""
        since = timezone.localtime(step.waiting_since).strftime("%d/%m/%Y")
        if step.closes:
            note = (
                f"Sans réponse de votre part à notre message du {since} ni à nos relances, nous classons cette "
                "demande sans suite. Pour un nouveau besoin, vous pouvez faire une nouvelle demande à tout moment."
            )
            _set_status(
                request,
                Status.DECLINED,
                note=note,
                reason=RefusalReason.NO_ANSWER,
                changes={Event.AUTOMATIC: f"classée sans suite après {step.number - 1} relance(s)"},
            )
            _notify_requester(request, "status_changed", reason=RefusalReason.NO_ANSWER.label, note=note)
            return "closed"
        close_on = step.close_on.strftime("%d/%m/%Y")
        body = (
            f"Relance n° {step.number} : l'équipe attend votre réponse à son message du {since}. Sans nouvelles "
            f"de votre part, la demande sera classée sans suite à partir du {close_on}."
        )
        Event.objects.create(
            request=request, kind=Event.Kind.REMINDER, body=body, changes={Event.AUTOMATIC: f"relance {step.number}"}
        )
        _notify_requester(request, "requester_reminder", number=step.number, since=since, close_on=close_on)
    return "reminded"


def remind_requesters(*, now=None) -> dict[str, int]:
    """Every step due today (``manage.py remind_requesters``): how many reminders and closings."""
    done = {"reminded": 0, "closed": 0}
    for request_id in list(reminders.candidates(now=now)):
        outcome = remind_requester(request_id, now=now)
        if outcome:
            done[outcome] += 1
    return done


def label_requests(request_ids, *, label: Label, by, add: bool = True) -> int:
    """Put ``label`` on the requests (or take it off); returns how many changed.

    Who and when is kept on each label's row; a shared label's change also goes to the request's history,
    which the whole team reads, so a personal label never appears there.
    """
    changed = 0
    with transaction.atomic():
        for request in DiagnosticRequest.objects.select_for_update().filter(pk__in=list(request_ids)).order_by("pk"):
            if add:
                _, created = RequestLabel.objects.get_or_create(
                    request=request, label=label, defaults={"added_by": by}
                )
                done = created
            else:
                done = RequestLabel.objects.filter(request=request, label=label).delete()[0] > 0
            if done and label.is_shared:
                Event.objects.create(
                    request=request,
                    kind=Event.Kind.LABEL,
                    author=by,
                    changes={"ajoutée" if add else "retirée": label.name},
                )
            changed += done
    return changed
