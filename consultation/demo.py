"""Demo data of the consultation: the 17 grands enjeux published by the Incubateur on 7 May 2021."""

import json
from pathlib import Path

from django.db import transaction

from consultation.models import Enjeu

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_enjeux(path: Path = DATA_DIR / "enjeux.json") -> int:
    """Create or update the enjeux of the shipped file; return how many rows changed."""
    changed = 0
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
        changed += created
    return changed
