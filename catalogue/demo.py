"""Demo data of the catalogue: the real services of ``data/services.json`` (public facts, with sources)."""

import json
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from catalogue.models import Porteur, Service, Thematique
from consultation.models import Enjeu

DATA_DIR = Path(__file__).resolve().parent / "data"


def map_service(item: dict) -> dict:
    """Model values of one service record; unknown facts stay empty, never invented."""
    return {
        "name": item["name"],
        "summary": item["summary"],
        "description": item["description"] or "",
        "website": item["website"] or "",
        "repository": item["repository"] or "",
        "license": item["license"] or "",
        "code_status": item["code_status"] or Service.CodeStatus.UNKNOWN,
        "stage": item["stage"] or Service.Stage.UNKNOWN,
        "france_relance": bool(item["france_relance"]),
        "funding_eur": item["funding_eur"],
        "scaled_2023": bool(item["scaled_2023"]),
        "sources": item["sources"],
    }


@transaction.atomic
def load_services(path: Path = DATA_DIR / "services.json") -> int:
    """Create or update the services of the shipped file, keyed on their slug; return how many were created."""
    enjeux = {enjeu.source_id: enjeu for enjeu in Enjeu.objects.all()}
    created_count = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        porteur = None
        if item["porteur"]["name"]:
            porteur, _ = Porteur.objects.update_or_create(
                name=item["porteur"]["name"],
                defaults={"slug": slugify(item["porteur"]["name"]), "kind": item["porteur"]["kind"]},
            )
        service, created = Service.objects.update_or_create(
            slug=item["slug"], defaults={**map_service(item), "porteur": porteur}
        )
        themes = [
            Thematique.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0] for name in item["themes"]
        ]
        service.themes.set(themes)
        service.enjeux.set([enjeux[key] for key in item["enjeux"] if key in enjeux])
        created_count += created
    return created_count
