"""Verification of usages ("qui l'utilise"): declarations, staff verification, 24-month confirmation, trail.

A usage is public only once staff have verified it. Twenty-four months after its last verification or
confirmation it shows « à confirmer »; three months later, still unconfirmed, it is hidden. Every change of a
usage writes a ``DeploymentChange`` row in the same transaction.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalogue.models import Deployment, DeploymentChange, UsageDeclaration, UsageOrigin, UsageState, hash_token
from catalogue.tasks import send_usages_to_confirm
from territoires.matching import official_body

CONFIRMATION_MONTHS = 24
HIDE_AFTER_MONTHS = 3  # of « à confirmer » without an answer
# A declaration whose address nobody confirmed is personal data kept for nothing.
UNCONFIRMED_DECLARATION_DAYS = 30
# A declaration's only lasting use is the trail of its decision, which the usage keeps: the agent's address
# goes with the declaration a year after staff accepted or refused it.
REVIEWED_DECLARATION_MONTHS = 12

BODY_FIELDS = ("commune", "epci", "departement", "region")


class UsageActionRefused(Exception):
    """The usage or declaration is not in a state that allows this action."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the last day of the month when it has fewer days)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def record_change(deployment, *, author=None, actor: str = "", old_state: str = "", fields=None, note: str = ""):
    """Write one trail row for ``deployment``."""
    return DeploymentChange.objects.create(
        deployment=deployment,
        author=author,
        actor=actor,
        old_state=old_state,
        new_state=deployment.state,
        fields=fields or {},
        note=note,
    )


def _set_state(deployment, state: str, *, by=None, actor: str, note: str = "", now=None) -> None:
    now = now or timezone.now()
    old = deployment.state
    deployment.state = state
    if state == UsageState.PUBLISHED:
        deployment.confirmed_at = now
        if old == UsageState.PENDING or deployment.verified_at is None:
            deployment.verified_at, deployment.verified_by = now, by
    deployment.save()
    record_change(deployment, author=by, actor=actor, old_state=old, note=note)


def verify_deployment(deployment_id: int, *, by) -> Deployment:
    """Staff publish a usage they have checked (or confirm one that was « à confirmer » or hidden)."""
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().get(pk=deployment_id)
        if deployment.state == UsageState.REJECTED:
            raise UsageActionRefused("Cette utilisation a été refusée : créez-en une nouvelle si elle est avérée.")
        note = "vérifiée" if deployment.state == UsageState.PENDING else "confirmée"
        _set_state(deployment, UsageState.PUBLISHED, by=by, actor="équipe", note=note)
    return deployment


def reject_deployment(deployment_id: int, *, by, note: str = "") -> Deployment:
    """Staff refuse a usage that is still to be verified."""
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().get(pk=deployment_id)
        if deployment.state != UsageState.PENDING:
            raise UsageActionRefused("Seule une utilisation à vérifier peut être refusée.")
        _set_state(deployment, UsageState.REJECTED, by=by, actor="équipe", note=note)
    return deployment


def expire_deployments(*, now=None) -> tuple[int, int, int]:
    """Mark « à confirmer » the usages unconfirmed for 24 months (and e-mail the staff, who confirm them), hide those
    unconfirmed for 27, and delete the declarations whose e-mail was never confirmed and those decided more than a
    year ago.

    Returns (newly « à confirmer », newly hidden, declarations deleted).
    """
    now = now or timezone.now()
    ask_before = months_before(now, CONFIRMATION_MONTHS)
    hide_before = months_before(now, CONFIRMATION_MONTHS + HIDE_AFTER_MONTHS)
    counts, asked = [], []
    with transaction.atomic():
        for from_states, before, to in (
            ([UsageState.PUBLISHED, UsageState.TO_CONFIRM], hide_before, UsageState.HIDDEN),
            ([UsageState.PUBLISHED], ask_before, UsageState.TO_CONFIRM),
        ):
            due = Deployment.objects.select_for_update().filter(state__in=from_states, confirmed_at__lt=before)
            count = 0
            for deployment in due:
                _set_state(
                    deployment,
                    to,
                    actor="expiration automatique",
                    note=f"sans confirmation depuis le {timezone.localtime(deployment.confirmed_at):%d/%m/%Y}",
                    now=now,
                )
                count += 1
                if to == UsageState.TO_CONFIRM:
                    asked.append(deployment.pk)
            counts.append(count)
        dropped, _ = UsageDeclaration.objects.filter(
            Q(
                status=UsageDeclaration.Status.AWAITING_EMAIL,
                created_at__lt=now - timedelta(days=UNCONFIRMED_DECLARATION_DAYS),
            )
            | Q(
                status__in=[UsageDeclaration.Status.ACCEPTED, UsageDeclaration.Status.REJECTED],
                reviewed_at__lt=months_before(now, REVIEWED_DECLARATION_MONTHS),
            )
        ).delete()
        if asked:
            transaction.on_commit(lambda: send_usages_to_confirm.enqueue(asked))
    hidden, to_confirm = counts
    return to_confirm, hidden, dropped


def declare_usage(
    *,
    service,
    kind: str,
    body: dict,
    email: str,
    since=None,
    use_case: str = "",
    contact: str = "",
    stop_reason: str = "",
) -> tuple[UsageDeclaration, str]:
    """Record an agent's declaration, waiting for its e-mail confirmation; returns it and a valid token.

    The e-mail task (catalogue/tasks.py) draws the token it sends, which replaces this one."""
    declaration = UsageDeclaration(
        service=service,
        kind=kind,
        email=email,
        since=since,
        use_case=use_case,
        contact=contact,
        stop_reason=stop_reason,
        **{field: body.get(field) for field in BODY_FIELDS},
    )
    token = declaration.new_token()
    declaration.save()
    return declaration, token


def confirm_declaration_email(token: str) -> UsageDeclaration:
    """The agent followed the link: the declaration goes to staff (following it twice changes nothing)."""
    with transaction.atomic():
        declaration = UsageDeclaration.objects.select_for_update().get(token_hash=hash_token(token))
        if declaration.status == UsageDeclaration.Status.AWAITING_EMAIL:
            declaration.status = UsageDeclaration.Status.TO_REVIEW
            declaration.email_confirmed_at = timezone.now()
            declaration.save(update_fields=["status", "email_confirmed_at"])
    return declaration


def _usage_lookup(body: dict) -> dict:
    """The filter that finds the usage of one body: its commune, EPCI or région, or the département itself."""
    lookup = {field: body.get(field) for field in ("commune", "epci", "region")}
    if body.get("departement"):
        return lookup | {"departement": body["departement"], "other_body": ""}
    return lookup


def _new_usage(lookup: dict, body: dict) -> dict:
    """The fields of a new usage: its body and the département where it is counted."""
    return lookup if "departement" in lookup else lookup | {"departement_id": _departement_of(body)}


def _find_or_start_usage(declaration) -> tuple[Deployment, bool]:
    body = {field: getattr(declaration, field) for field in BODY_FIELDS}
    lookup = _usage_lookup(body)
    existing = (
        Deployment.objects.select_for_update()
        .filter(service=declaration.service, **lookup)
        .exclude(state=UsageState.REJECTED)
        .first()
    )
    if existing:
        return existing, False
    body = {field: value for field, value in body.items() if value is not None}
    deployment = Deployment(service=declaration.service, origin=UsageOrigin.DECLARATION, **_new_usage(lookup, body))
    return deployment, True


def accept_declaration(declaration_id: int, *, by) -> Deployment:
    """Staff accept a confirmed declaration: the usage is created or updated, then published, with its trail."""
    with transaction.atomic():
        declaration = UsageDeclaration.objects.select_for_update().get(pk=declaration_id)
        if declaration.status != UsageDeclaration.Status.TO_REVIEW:
            raise UsageActionRefused(
                "Cette déclaration n'est pas à vérifier : son adresse n'est pas confirmée ou elle a déjà été traitée."
            )
        deployment, created = _find_or_start_usage(declaration)
        old_state = "" if created else deployment.state
        before = {name: str(getattr(deployment, name)) for name in ("status", "since", "use_case", "contact")}
        if declaration.kind == UsageDeclaration.Kind.STOPPED:
            deployment.status = Deployment.Status.ENDED
            deployment.stop_reason = declaration.stop_reason
        else:
            if deployment.status == Deployment.Status.ENDED:
                deployment.status = Deployment.Status.ACTIVE
            deployment.since = declaration.since or deployment.since
            deployment.use_case = declaration.use_case or deployment.use_case
            deployment.contact = declaration.contact or deployment.contact
        now = timezone.now()
        deployment.state = UsageState.PUBLISHED
        deployment.confirmed_at = now
        if deployment.verified_at is None or old_state == UsageState.PENDING:
            deployment.verified_at, deployment.verified_by = now, by
        deployment.save()
        after = {name: str(getattr(deployment, name)) for name in before}
        changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
        record_change(
            deployment,
            author=by,
            actor="déclaration vérifiée par l'équipe",
            old_state=old_state,
            fields={} if created else changed,
            note=f"déclaration n° {declaration.pk} ({declaration.get_kind_display()})",
        )
        declaration.status = UsageDeclaration.Status.ACCEPTED
        declaration.reviewed_at, declaration.reviewed_by, declaration.deployment = now, by, deployment
        declaration.save(update_fields=["status", "reviewed_at", "reviewed_by", "deployment"])
    return deployment


def reject_declaration(declaration_id: int, *, by) -> UsageDeclaration:
    """Staff refuse a declaration they could not check."""
    with transaction.atomic():
        declaration = UsageDeclaration.objects.select_for_update().get(pk=declaration_id)
        if declaration.status in (UsageDeclaration.Status.ACCEPTED, UsageDeclaration.Status.REJECTED):
            raise UsageActionRefused("Cette déclaration a déjà été traitée.")
        declaration.status = UsageDeclaration.Status.REJECTED
        declaration.reviewed_at, declaration.reviewed_by = timezone.now(), by
        declaration.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return declaration


def _departement_of(body: dict):
    if "commune" in body:
        return body["commune"].departement_id
    if "epci" in body:
        # The official EPCI list gives no département: that of its most populated member.
        return body["epci"].communes.order_by("-population").values_list("departement_id", flat=True).first()
    return body["departement"].code if "departement" in body else None


def start_usages_from_used_by(service, names: list[str], *, source: str) -> list[str]:
    """Usages to verify for the ``usedBy`` names that match one official body; returns the names left unmatched."""
    unmatched = []
    for name in names:
        body = official_body(name)
        if body is None:
            unmatched.append(name)
            continue
        lookup = _usage_lookup(body)
        if Deployment.objects.filter(service=service, **lookup).exists():
            continue
        deployment = Deployment.objects.create(
            service=service,
            origin=UsageOrigin.PUBLICCODE,
            source=source,
            **_new_usage(lookup, body),
        )
        record_change(deployment, actor="import publiccode.yml", note=f"usedBy « {name} »")
    return unmatched


def start_usage_from_diagnostic(
    service, *, body: dict, reference: str, since=None, use_case: str = ""
) -> tuple[Deployment, bool]:
    """The usage a requester declared deployed after an ANSM diagnostic: a new one to verify, or the body's usage of
    the service already known (never a second one). ``body`` holds the request's ``commune`` or ``epci``;
    returns the usage and whether it was created."""
    lookup = _usage_lookup(body)
    note = f"déployé selon le demandeur de la demande {reference}"
    existing = (
        Deployment.objects.select_for_update()
        .filter(service=service, **lookup)
        .exclude(state=UsageState.REJECTED)
        .first()
    )
    if existing is not None:
        # Verified or not, the known usage stays as staff left it: the trail says the diagnostic confirmed it.
        record_change(existing, actor="diagnostic ANSM", old_state=existing.state, note=note)
        return existing, False
    deployment = Deployment.objects.create(
        service=service,
        origin=UsageOrigin.ANSM,
        state=UsageState.PENDING,
        since=since,
        use_case=use_case,
        source=f"demande {reference}",
        **_new_usage(lookup, {key: value for key, value in body.items() if value is not None}),
    )
    record_change(deployment, actor="diagnostic ANSM", note=note)
    return deployment, True
