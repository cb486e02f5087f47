"""Delete the former thématiques labels now merged into their family (see 0003), then name the families."""

import json
from pathlib import Path

from django.db import migrations

FAMILIES = Path(__file__).resolve().parent.parent / "data" / "thematiques.json"


def remove_labels(apps, schema_editor):
    Thematique = apps.get_model("catalogue", "Thematique")
    Thematique.objects.filter(merged_into__isnull=False).delete()
    for item in json.loads(FAMILIES.read_text(encoding="utf-8"))["families"]:
        if not Thematique.objects.filter(name=item["name"]).exclude(slug=item["slug"]).exists():
            Thematique.objects.filter(slug=item["slug"]).update(name=item["name"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_create_families")]

    operations = [migrations.RunPython(remove_labels, migrations.RunPython.noop)]
