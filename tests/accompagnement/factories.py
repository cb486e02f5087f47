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


def requests_in_departements(counts: dict[str, int]) -> list[DiagnosticRequest]:
    """``counts[code]`` requests from as many small communes of each département, spread over three months,
    statuses and the catalogue's first thématiques; each names a person, as every real request does."""
    from datetime import timedelta

    from accompagnement.models import Status
    from catalogue.models import Thematique
    from territoires.models import Commune

    themes = list(Thematique.objects.order_by("name")[:3])
    statuses = [Status.NEW, Status.QUALIFYING, Status.SCHEDULED]
    made = []
    for code, count in counts.items():
        for commune in Commune.objects.filter(departement_id=code, population__lt=3500).order_by("code_insee")[:count]:
            request, _ = saved_request(
                commune_id=commune.code_insee,
                population=commune.population,
                email=f"secretariat@mairie-{commune.code_insee}.fr",
                last_name=f"Personne-{commune.code_insee}",
                status=statuses[len(made) % 3],
            )
            if themes:
                request.themes.add(themes[len(made) % len(themes)])
            DiagnosticRequest.objects.filter(pk=request.pk).update(
                created_at=timezone.now() - timedelta(days=31 * (len(made) % 3))
            )
            made.append(request)
    return made


# The management form of the diagnostic's needs inline, empty: what the change page posts when no need is edited.
NO_NEEDS = {"diagnostic_needs-TOTAL_FORMS": 0, "diagnostic_needs-INITIAL_FORMS": 0}
