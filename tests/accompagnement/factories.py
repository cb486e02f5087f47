import uuid

from django.utils import timezone

from accompagnement.models import DiagnosticRequest


def form_post(commune: str = "07128") -> dict:
    """What a browser posts for a real small commune (by default Lalouvesc, 07128, 388 inhabitants)."""
    return {
        "commune": commune,
        "epci": "",
        "first_name": "Marie",
        "last_name": "Durand",
        "role": "secretaire",
        "email": "secretariat@mairie-exemple.fr",
        "phone": "04 75 00 00 00",
        "themes": ["donnees-cartes", "outils-securite"],
        "services": ["grist"],
        "needs": "Nous voulons partager nos tableaux avec les élus sans les envoyer par courriel.",
        "consent": "on",
        "submission_key": str(uuid.uuid4()),
        "website": "",
    }


def saved_request(**fields) -> tuple[DiagnosticRequest, str]:
    """An open request of Lalouvesc (07128, 388 inhabitants), saved; returns it and its follow-up token."""
    request = DiagnosticRequest(
        **{
            "commune_id": "07128",
            "population": 388,
            "first_name": "Marie",
            "last_name": "Durand",
            "role": "secretaire",
            "email": "secretariat@mairie-exemple.fr",
            "needs": "Partager nos tableaux avec les élus sans les envoyer par courriel.",
            "consent_at": timezone.now(),
            "submission_key": uuid.uuid4(),
            **fields,
        }
    )
    token = request.new_token()
    request.save()
    return request, token


# The management form of the diagnostic's needs inline, empty: what the change page posts when no need is edited.
NO_NEEDS = {"diagnostic_needs-TOTAL_FORMS": 0, "diagnostic_needs-INITIAL_FORMS": 0}
