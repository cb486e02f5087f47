"""Public pages of the ANSM: presentation and eligibility check, request form, confirmation, follow-up."""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accompagnement import diagnostic, workflow
from accompagnement.diagnostic_forms import RecommendationAnswerForm
from accompagnement.eligibility import POPULATION_SOURCE, search_eligibility
from accompagnement.forms import (
    NEEDS_MAX,
    DiagnosticRequestForm,
    EligibilityForm,
    EmailAddressForm,
    InviteForm,
    MessageForm,
)
from accompagnement.models import (
    STATUS_EXPLANATIONS,
    Answer,
    DiagnosticRequest,
    Event,
    FollowUpLink,
    Recommendation,
    Status,
)
from accompagnement.ratelimit import count_post, is_limited
from catalogue.models import Service
from territoires.models import Commune, Epci

SIGNER_SALT = "accompagnement.confirmation"
RESEND_SALT = "accompagnement.resend_link"


def _too_many(request):
    return render(request, "429.html", status=429)


RATE_WINDOW = timedelta(hours=1)


def _limited(request, scope: str) -> bool:
    return is_limited(request, scope=scope, limit=settings.ANSM_POSTS_PER_HOUR, window=RATE_WINDOW)


def _count(request, scope: str) -> None:
    count_post(request, scope=scope, window=RATE_WINDOW)


@require_safe
def ansm(request):
    """What the ANSM is, and an eligibility check by commune or EPCI name, postal code or code."""
    form = EligibilityForm(request.GET or None)
    found = search_eligibility(form.cleaned_data["territoire"]) if form.is_valid() else None
    context = {
        "form": form,
        "results": found.results if found else [],
        "more": found.more if found else 0,
        "searched": form.is_bound,
        "population_source": POPULATION_SOURCE,
    }
    return render(request, "accompagnement/ansm.html", context)


_CODE_INSEE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_SIREN = re.compile(r"[0-9]{9}")
_SLUG = re.compile(r"[-a-z0-9_]{1,100}")


def _initial(request) -> dict:
    """GET parameters that pre-fill the form (links from a service page or from the eligibility check).

    Values are checked against the shape of an official code or a slug before any query: anything else
    (text, control characters) is ignored, as a link with a wrong parameter still opens the empty form.
    """
    initial = {}
    code = request.GET.get("commune", "").upper()
    commune = Commune.objects.filter(code_insee=code).first() if _CODE_INSEE.fullmatch(code) else None
    if commune:
        initial["commune"] = f"{commune.nom} ({commune.code_insee})"
    siren = request.GET.get("epci", "")
    epci = Epci.objects.filter(siren=siren).first() if _SIREN.fullmatch(siren) else None
    if epci:
        initial["epci"] = f"{epci.nom} ({epci.siren})"
    slugs = [slug for slug in request.GET.getlist("service")[:10] if _SLUG.fullmatch(slug)]
    services = Service.objects.published().active().filter(slug__in=slugs) if slugs else []
    if services:
        initial["services"] = list(services)
        initial["themes"] = list({theme for service in services for theme in service.themes.all()})
    # The words typed in the catalogue's search when it found nothing ("Décrire votre besoin").
    needs = " ".join(request.GET.get("besoin", "").split())[:NEEDS_MAX]
    if needs:
        initial["needs"] = needs
    return initial


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request):
    existing = None
    if request.method == "POST":
        if _limited(request, "demande"):
            return _too_many(request)
        form = DiagnosticRequestForm(request.POST)
        if form.is_robot:
            # Robots get the same answer as people, and nothing is saved.
            _count(request, "demande")
            return redirect("accompagnement:confirmation")
        if form.is_valid():
            _count(request, "demande")
            submitted = workflow.submit_request(form.submission())
            if submitted.outcome != workflow.Outcome.OPEN_REQUEST_EXISTS:
                signed = signing.dumps(submitted.request.pk, salt=SIGNER_SALT)
                return redirect(f"{reverse('accompagnement:confirmation')}?demande={signed}")
            existing = submitted.request
    else:
        form = DiagnosticRequestForm(initial=_initial(request))
    context = {
        "form": form,
        # A stranger may type any territory: they learn only that a request is in progress there, and the
        # signed value names the territory they typed, not the request (its number would give the reference).
        "existing": existing,
        "existing_signed": signing.dumps(_territory_key(existing), salt=RESEND_SALT) if existing else "",
        # One key per displayed form: posting it twice (double click, back and resend) makes one request.
        "submission_key": form["submission_key"].value() or uuid.uuid4(),
    }
    status = 200 if request.method != "POST" or existing else 400
    return render(request, "accompagnement/request_form.html", context, status=status)


def _signed_request(value: str, max_age: int = 3600):
    try:
        return get_object_or_404(DiagnosticRequest, pk=signing.loads(value, salt=SIGNER_SALT, max_age=max_age))
    except signing.BadSignature as error:
        raise Http404 from error


@never_cache
@require_safe
def confirmation(request):
    signed = request.GET.get("demande", "")
    diagnostic_request = _signed_request(signed) if signed else None
    return render(request, "accompagnement/confirmation.html", {"diagnostic_request": diagnostic_request})


def _territory_key(diagnostic_request: DiagnosticRequest) -> list[str]:
    return (
        ["commune", diagnostic_request.commune_id]
        if diagnostic_request.commune_id
        else ["epci", diagnostic_request.epci_id]
    )


@require_POST
def resend_link(request):
    """Send a follow-up link of the territory's open request to the address on file (not to the visitor)."""
    if _limited(request, "lien"):
        return _too_many(request)
    try:
        kind, code = signing.loads(request.POST.get("demande", ""), salt=RESEND_SALT, max_age=3600)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise Http404 from error
    if kind not in ("commune", "epci"):
        raise Http404
    diagnostic_request = get_object_or_404(DiagnosticRequest.objects.open(), **{f"{kind}_id": code})
    _count(request, "lien")
    try:
        workflow.resend_link(diagnostic_request.pk)
    except workflow.LinkResentRecently:
        messages.info(
            request,
            "Le lien de suivi de cette demande a déjà été envoyé il y a moins de 15 minutes à l'adresse électronique "
            "indiquée dans la demande : consultez cette boîte de réception, ou réessayez plus tard.",
        )
    else:
        messages.success(
            request,
            "Un lien de suivi vient d'être envoyé à l'adresse électronique indiquée dans la demande en cours. "
            "Les liens envoyés auparavant restent valables.",
        )
    return redirect("accompagnement:ansm")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recover_link(request):
    """ "Retrouver mon lien de suivi": a new link goes to the address on file; the page says the same either way."""
    form = EmailAddressForm(request.POST or None)
    if request.method == "POST":
        if _limited(request, "retrouver"):
            return _too_many(request)
        if form.is_valid():
            _count(request, "retrouver")
            workflow.send_lost_links(form.cleaned_data["email"])
            messages.success(
                request,
                f"Si une demande a été faite avec l'adresse {form.cleaned_data['email']} ou partagée avec elle, un "
                "courriel contenant son lien de suivi vient d'y être envoyé. Pensez à vérifier vos courriels "
                "indésirables.",
            )
            return redirect("accompagnement:recover_link")
    status = 400 if form.errors else 200
    return render(request, "accompagnement/recover_link.html", {"form": form}, status=status)


def _by_token(token: str) -> DiagnosticRequest:
    diagnostic_request = (
        DiagnosticRequest.objects.for_token(token)
        .filter(anonymised_at__isnull=True)
        .select_related("commune__departement", "epci")
        .prefetch_related("themes", "services")
        .first()
    )
    if diagnostic_request is None:
        raise Http404
    return diagnostic_request


def _withdraw(request, diagnostic_request):
    if request.POST.get("confirme") != "oui":
        return redirect(f"{request.path}?etape=retrait#retrait")
    _count(request, "suivi")
    workflow.withdraw_request(diagnostic_request.pk)
    messages.success(
        request,
        "Votre demande a été retirée : l'équipe ne la traitera plus. Vous pouvez annuler ce retrait pendant "
        f"{workflow.UNDO_WITHDRAWAL_DAYS} jours depuis cette page.",
    )
    return redirect(request.path)


def _undo_withdrawal(request, diagnostic_request):
    _count(request, "suivi")
    try:
        workflow.undo_withdrawal(diagnostic_request.pk)
    except workflow.OpenRequestExists:
        messages.error(
            request,
            "Une autre demande est déjà en cours pour ce territoire : ce retrait ne peut plus être annulé.",
        )
    else:
        messages.success(request, "Le retrait est annulé : votre demande reprend où elle en était.")
    return redirect(request.path)


def _message(request, diagnostic_request):
    form = MessageForm(request.POST)
    if not form.is_valid():
        return form
    _count(request, "suivi")
    workflow.post_message(diagnostic_request.pk, body=form.cleaned_data["body"])
    messages.success(request, "Votre message a été transmis à l'équipe de l'Incubateur des territoires.")
    return redirect(request.path)


def _invite(request, diagnostic_request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return form
    _count(request, "suivi")
    try:
        workflow.invite_colleague(diagnostic_request.pk, email=form.cleaned_data["email"])
    except workflow.TooManyColleagues:
        messages.error(request, f"Une demande se partage avec {workflow.MAX_COLLEAGUES} personnes au plus.")
    else:
        messages.success(
            request, f"Une invitation à suivre la demande vient d'être envoyée à {form.cleaned_data['email']}."
        )
    return redirect(request.path)


FOLLOW_UP_ACTIONS = {
    "retirer": _withdraw,
    "annuler-retrait": _undo_withdrawal,
    "message": _message,
    "inviter": _invite,
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request, token):
    """The requester's private page: what was sent, status, public timeline, messages, withdrawal and its undo."""
    diagnostic_request = _by_token(token)
    form, invite_form = MessageForm(), InviteForm()
    if request.method == "POST":
        if _limited(request, "suivi"):
            return _too_many(request)
        action = FOLLOW_UP_ACTIONS.get(request.POST.get("action", "message"), _message)
        try:
            outcome = action(request, diagnostic_request)
        except workflow.TransitionNotAllowed:
            messages.error(request, "Cette demande a déjà été traitée : elle ne peut plus être modifiée.")
            return redirect(request.path)
        if isinstance(outcome, MessageForm):
            form = outcome
        elif isinstance(outcome, InviteForm):
            invite_form = outcome
        else:
            return outcome
    return _follow_up_page(request, diagnostic_request, form=form, invite_form=invite_form)


def _follow_up_page(request, diagnostic_request, *, form=None, invite_form=None, answer_form=None):
    form, invite_form = form or MessageForm(), invite_form or InviteForm()
    events = list(diagnostic_request.events.filter(kind__in=Event.PUBLIC_KINDS).order_by("created_at", "pk"))
    context = {
        "diagnostic_request": diagnostic_request,
        "events": events,
        "form": form,
        "can_act": diagnostic_request.is_open,
        "confirm_withdrawal": diagnostic_request.is_open and request.GET.get("etape") == "retrait",
        "undo_until": workflow.undo_deadline(diagnostic_request, events),
        "undo_days": workflow.UNDO_WITHDRAWAL_DAYS,
        "statuses": [(status, STATUS_EXPLANATIONS[status]) for status in Status],
        "recap": workflow.request_recap(diagnostic_request),
        "invite_form": invite_form,
        "colleagues": diagnostic_request.links.filter(kind=FollowUpLink.Kind.COLLEAGUE),
        # The answer forms post elsewhere: every other form of the page names the page itself.
        "follow_up_path": reverse(
            "accompagnement:follow_up", kwargs={"token": request.resolver_match.kwargs["token"]}
        ),
        **_diagnostic_context(diagnostic_request, answer_form),
    }
    status = 400 if form.errors or invite_form.errors or (answer_form and answer_form.errors) else 200
    return render(request, "accompagnement/follow_up.html", context, status=status)


# ---------------------------------------------------------------- the diagnostic on the follow-up page


def _diagnostic_context(diagnostic_request, answer_form=None) -> dict:
    """The published diagnostic (nothing before), each recommendation with its answer form when one is possible."""
    needs = diagnostic.needs_for_requester(diagnostic_request)
    can_answer = diagnostic.can_answer(diagnostic_request)
    for need in needs:
        for recommendation in need.shown:
            if not can_answer or recommendation.answer == Answer.DEPLOYED:
                recommendation.form = None
            elif answer_form is not None and answer_form.recommendation.pk == recommendation.pk:
                recommendation.form = answer_form
            else:
                recommendation.form = RecommendationAnswerForm(
                    recommendation=recommendation, initial={"reason": recommendation.reason}
                )
    return {
        "diagnostic_needs": needs,
        "diagnostic_published": diagnostic.is_published(diagnostic_request),
        "answer_errors": bool(answer_form is not None and answer_form.errors),
    }


@require_POST
def answer_recommendation(request, token, pk):
    """The requester says what became of one recommendation: deployed (a usage for staff to verify) or not kept."""
    diagnostic_request = _by_token(token)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("service"),
        pk=pk,
        need__request=diagnostic_request,
        service__is_published=True,
    )
    follow_up_path = reverse("accompagnement:follow_up", kwargs={"token": token})
    if _limited(request, "suivi"):
        return _too_many(request)
    if not diagnostic.can_answer(diagnostic_request):
        messages.error(
            request, "Cette demande n'est plus suivie : ses recommandations ne peuvent plus recevoir de réponse."
        )
        return redirect(follow_up_path)
    form = RecommendationAnswerForm(request.POST, recommendation=recommendation)
    if not form.is_valid():
        return _follow_up_page(request, diagnostic_request, answer_form=form)
    _count(request, "suivi")
    data = form.cleaned_data
    try:
        _, changed = workflow.answer_recommendation(
            diagnostic_request.pk,
            recommendation.pk,
            answer=data["answer"],
            since=data["since"],
            use_case=data["use_case"],
            reason=data["reason"],
        )
    except workflow.AnswerRefused as error:
        messages.error(request, error.message)
    except workflow.TransitionNotAllowed:
        messages.error(
            request, "Cette demande n'est plus suivie : ses recommandations ne peuvent plus recevoir de réponse."
        )
    else:
        if data["answer"] == Answer.DEPLOYED:
            text = (
                f"Merci : « {recommendation.service.name} » est noté comme déployé. L'équipe vérifie cette "
                "utilisation avant de l'afficher sur la page du service."
            )
        else:
            text = f"Merci : « {recommendation.service.name} » est noté comme non retenu."
        messages.success(request, text if changed else "Cette réponse était déjà enregistrée.")
    return redirect(f"{follow_up_path}#recommandation-{recommendation.pk}")
