"""The ANSM diagnostic: the needs the chargé·e found, the catalogue services recommended for each, when the
requester may read it and answer, and how staff edits of it read in the trail.

Publishing it and recording the requester's answers go through workflow.py (status and history).
"""

from django.db import models

from accompagnement.models import (
    Answer,
    DiagnosticNeed,
    DiagnosticRequest,
    Recommendation,
    Status,
)
from catalogue.models import Service

# A diagnostic is published once it has taken place: from "diagnostic planifié" (it then becomes "réalisé"),
# "réalisé" or during the support that follows it.
PUBLISHABLE_STATUSES = [Status.SCHEDULED, Status.DIAGNOSED, Status.SUPPORTING]
# A withdrawn or refused request is no longer followed: its requester cannot answer any more.
NO_ANSWER_STATUSES = [Status.WITHDRAWN, Status.DECLINED]


def recommendable_services(*, keeping=()) -> models.QuerySet:
    """Services a chargé·e may recommend: published and not stopped (plus those already recommended)."""
    return Service.objects.filter(
        models.Q(pk__in=Service.objects.published().active().values("pk")) | models.Q(pk__in=list(keeping))
    ).order_by("name")


def publication_problems(request: DiagnosticRequest) -> list[str]:
    """What keeps the diagnostic from being published, in French; empty when it can be."""
    problems = []
    if request.anonymised_at:
        problems.append("Les données de cette demande ont été effacées.")
    elif request.status not in PUBLISHABLE_STATUSES:
        labels = ", ".join(f"« {Status(status).label} »" for status in PUBLISHABLE_STATUSES)
        problems.append(
            f"La demande est « {request.get_status_display()} » : un diagnostic se publie au statut {labels}."
        )
    if not request.diagnostic_summary.strip():
        problems.append("Écrivez la synthèse du diagnostic.")
    if not request.diagnostic_needs.exists():
        problems.append("Ajoutez au moins un besoin.")
    return problems


def is_published(request: DiagnosticRequest) -> bool:
    return request.diagnostic_published_at is not None


def can_answer(request: DiagnosticRequest) -> bool:
    """The requester may say what became of each recommendation: once published, while the request is followed."""
    return is_published(request) and not request.anonymised_at and request.status not in NO_ANSWER_STATUSES


def needs_for_requester(request: DiagnosticRequest) -> list[DiagnosticNeed]:
    """The published needs by priority, each with ``shown`` recommendations (published services only)."""
    if not is_published(request):
        return []
    shown = (
        Recommendation.objects.filter(service__is_published=True)
        .select_related("service", "deployment")
        .order_by("pk")
    )
    needs = list(
        request.diagnostic_needs.by_priority()
        .select_related("thematique")
        .prefetch_related(models.Prefetch("recommendations", queryset=shown, to_attr="shown"))
    )
    return needs


def answer_refusal(recommendation: Recommendation, answer: str) -> str:
    """Why this answer cannot replace the one given, in French, or "" when it can."""
    if recommendation.answer == Answer.DEPLOYED and answer != Answer.DEPLOYED:
        return (
            "Vous avez déjà indiqué que ce service est déployé : l'équipe vérifie cette utilisation. "
            "Pour la corriger, écrivez-lui avec le formulaire « Écrire à l'équipe »."
        )
    return ""


def answered_services(need: DiagnosticNeed, keeping) -> list[Service]:
    """Services of ``need`` the requester has answered about and that ``keeping`` would drop."""
    kept = {service.pk for service in keeping}
    return [
        recommendation.service
        for recommendation in need.recommendations.select_related("service").exclude(answer="")
        if recommendation.service_id not in kept
    ]


def set_recommendations(need: DiagnosticNeed, services) -> None:
    """Recommend exactly ``services`` for ``need``: new ones are added, unanswered ones dropped, answers kept."""
    wanted = {service.pk: service for service in services}
    need.recommendations.exclude(service_id__in=wanted).filter(answer="").delete()
    known = set(need.recommendations.values_list("service_id", flat=True))
    Recommendation.objects.bulk_create(
        [Recommendation(need=need, service=service) for pk, service in wanted.items() if pk not in known]
    )


def describe_need(need: DiagnosticNeed | None) -> str:
    """One need as the trail reads it: priority, thématique and recommended services."""
    if need is None or need.pk is None:
        return ""
    services = ", ".join(r.service.name for r in need.recommendations.select_related("service").order_by("pk"))
    return f"priorité {need.get_priority_display()}, {need.thematique} ; services : {services or 'aucun'}"
