"""Demo data of the consultation: the 17 grands enjeux, the PNI investigations, the figures the programme
published (each with its source and date), and a small, clearly labelled sample Decidim export."""

import json
from pathlib import Path

from django.db import transaction

from consultation.decidim import import_decidim, read_enjeu_map
from consultation.models import Enjeu, Investigation, ReportedFigure

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_EXPORT = DATA_DIR / "demo"
CONSULTATION_SOURCE = (
    "https://incubateur.anct.gouv.fr/actualites/consultation-france-relance-liste-des-propositions-selectionnees/"
)
BRIEF_NOTE = "Chiffre du cahier des charges du portail, non retrouvé tel quel dans les sources publiques consultées."

# (key, value, label, as of, source, note): published figures, never computed from this archive.
FIGURES = [
    (
        "contributions",
        "476",
        "contributions de besoins et de services existants",
        "mars 2021",
        CONSULTATION_SOURCE,
        "",
    ),
    ("soutiens", "531", "soutiens des collectivités aux propositions", "mai 2021", CONSULTATION_SOURCE, ""),
    ("enjeux", "17", "propositions retenues, devenues les grands enjeux", "3 mai 2021", CONSULTATION_SOURCE, ""),
    (
        "investigations",
        "50",
        "investigations du Programme national d'investigations",
        "2022",
        "Bilan 2022 de l'Incubateur des territoires",
        "L'export de l'ancien site de l'Incubateur en décrit 52.",
    ),
    (
        "projets",
        "42",
        "projets retenus et financés par France Relance",
        "2022",
        "Bilan 2022 de l'Incubateur",
        BRIEF_NOTE,
    ),
    ("montant", "17,2 M€", "pour ces projets", "2022", "Bilan 2022 de l'Incubateur", BRIEF_NOTE),
    (
        "code-ouvert",
        "26",
        "de ces projets au code ouvert ou en cours d'ouverture",
        "2022",
        "Bilan 2022 de l'Incubateur",
        BRIEF_NOTE,
    ),
    (
        "projets-2021",
        "44",
        "projets d'accélération retenus pour 13,3 M€",
        "octobre 2021",
        "https://www.usine-digitale.fr/article/transformation-numerique-le-gouvernement-a-deja-alloue-37-5-millions-d-euros-aux-collectivites.N1148447",
        "Chiffre publié en octobre 2021, avant les derniers arbitrages.",
    ),
]


@transaction.atomic
def load_enjeux(path: Path = DATA_DIR / "enjeux.json") -> int:
    """Create or update the enjeux of the shipped file; return how many were created."""
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        _, created = Enjeu.objects.update_or_create(
            source_id=item["id"],
            defaults={
                "number": item["order"],
                "slug": item["slug"],
                "title": item["title"],
                "description": item["short_description"],
            },
        )
        created_count += created
    return created_count


@transaction.atomic
def load_investigations(path: Path = DATA_DIR / "pni.json") -> int:
    """Create or update the PNI investigations; return how many were created."""
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        _, created = Investigation.objects.update_or_create(
            source_id=item["id"],
            defaults={
                "slug": item["slug"],
                "title": item["title"],
                "problem": item["problem"] or "",
                "territory_types": item["territory_types"] or [],
                "collectivites": item["collectivites"] or [],
                "duration_weeks": item["duration_weeks"],
                "status_2021": item["status_2021"] or "",
                "findings": item["outcome"] or "",
                "follow_up": item["follow_up_service"] or "",
                "prototype_url": item["prototype_url"] or "",
                "sources": item["sources"],
            },
        )
        created_count += created
    return created_count


@transaction.atomic
def load_figures() -> None:
    for position, (key, value, label, as_of, source, note) in enumerate(FIGURES):
        ReportedFigure.objects.update_or_create(
            key=key,
            defaults={
                "value": value,
                "label": label,
                "as_of": as_of,
                "source": source,
                "note": note,
                "position": position,
            },
        )


def load_sample_export():
    """Import the sample Decidim export (idempotent, like any import)."""
    return import_decidim(sorted(DEMO_EXPORT.glob("*.csv")), enjeu_map=read_enjeu_map(DEMO_EXPORT / "enjeux.json"))
