"""An example ANSM request with a published diagnostic, for a development portal (`load_demo --exemple-ansm`).

It goes through workflow.py like a real one, but its e-mails are dropped: its requester is invented (on the
reserved ``.invalid`` domain). Never load it on the production database: it would count in the statistics.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from accompagnement import diagnostic, workflow
from accompagnement.eligibility import check_commune
from accompagnement.models import DiagnosticNeed, DiagnosticRequest, Email, FollowUpLink, Priority, Status, hash_token
from catalogue.models import Service, Thematique
from territoires.models import Commune

# Fixed, so that loading again finds the example instead of making a second one.
SUBMISSION_KEY = uuid.UUID("5e1f2d3c-0a4b-4c5d-8e6f-7a8b9c0d1e2f")
# The example's follow-up page has a known address, printed by load_demo (its requester is invented).
TOKEN = "exemple-diagnostic-ansm"
COMMUNE = "07079"  # Désaignes (Ardèche), 1,151 inhabitants
NEEDS = [
    (
        "Partager les tableaux de suivi avec les élus",
        "donnees-cartes",
        Priority.HIGH,
        "Les tableaux circulent par courriel en plusieurs versions : un outil partagé évite les doublons.",
        ["grist"],
    ),
    (
        "Réserver les salles communales en ligne",
        "services-techniques",
        Priority.MEDIUM,
        "Les associations réservent aujourd'hui par téléphone auprès du secrétariat.",
        ["espace-sur-demande"],
    ),
    (
        "Prendre rendez-vous avec les services sociaux",
        "social-sante",
        Priority.LOW,
        "",
        ["rdv-service-public"],
    ),
]


def load_example_diagnostic() -> str:
    """Create the example request and publish its diagnostic (once); return its follow-up path."""
    commune = Commune.objects.get(code_insee=COMMUNE)
    path = f"/accompagnement/suivi/{TOKEN}/"
    if DiagnosticRequest.objects.filter(submission_key=SUBMISSION_KEY).exists():
        return path
    staff, _ = get_user_model().objects.get_or_create(
        username="exemple-chargee", defaults={"first_name": "Camille", "last_name": "Exemple", "is_active": False}
    )
    with transaction.atomic():
        submitted = workflow.submit_request(
            workflow.RequestSubmission(
                territory=commune,
                population=check_commune(commune).population,
                first_name="Dominique",
                last_name="Exemple",
                role="secretaire",
                email="secretariat@mairie.exemple.invalid",
                phone="",
                needs="[Exemple] Nous voulons partager nos tableaux avec les élus et ouvrir la réservation des salles "
                "en ligne.",
                themes=list(Thematique.objects.filter(slug__in=["donnees-cartes", "services-techniques"])),
                services=[],
                submission_key=SUBMISSION_KEY,
            )
        )
        request = submitted.request
        FollowUpLink.objects.create(request=request, token_hash=hash_token(TOKEN), kind=FollowUpLink.Kind.EMAIL)
        for status in (Status.QUALIFYING, Status.SCHEDULED):
            workflow.move_request(request.pk, to=status, by=staff)
        workflow.edit_request(
            request.pk,
            by=staff,
            values={
                "diagnostic_summary": "[Exemple] Une journée sur place avec la secrétaire de mairie et deux "
                "adjoints : "
                "le partage des tableaux de suivi est le chantier le plus urgent, la réservation des salles suit."
            },
        )
        for label, theme, priority, comment, slugs in NEEDS:
            need = DiagnosticNeed.objects.create(
                request=request,
                label=label,
                thematique=Thematique.objects.get(slug=theme),
                priority=priority,
                comment=comment,
            )
            diagnostic.set_recommendations(need, Service.objects.published().filter(slug__in=slugs))
        workflow.publish_diagnostic(request.pk, by=staff)
        # Nobody to write to: the example's e-mails leave the outbox before they are sent.
        Email.objects.filter(request=request).delete()
    return path
