"""The thématiques as a short list of families.

The families come from catalogue/data/thematiques.json, which also says which of the former labels each
family takes. The label rows stay until 0004 so that the apps that point at them (the ANSM requests)
can move their own rows to the families first (accompagnement 0003 runs between the two). A migration of
its own: PostgreSQL refuses to build 0002's indexes on rows this one has just changed.
"""

import json
from pathlib import Path

from django.db import migrations

FAMILIES = Path(__file__).resolve().parent.parent / "data" / "thematiques.json"


def create_families(apps, schema_editor):
    Thematique = apps.get_model("catalogue", "Thematique")
    Service = apps.get_model("catalogue", "Service")
    data = json.loads(FAMILIES.read_text(encoding="utf-8"))
    labels = list(Thematique.objects.all())
    family_of = {}
    for position, item in enumerate(data["families"], start=1):
        family = Thematique.objects.filter(slug=item["slug"]).first()
        if family is None:
            # A label may still hold the name until 0004 deletes it.
            taken = Thematique.objects.filter(name=item["name"]).exists()
            name = f"{item['name']} (famille)" if taken else item["name"]
            family = Thematique.objects.create(slug=item["slug"], name=name)
        family_of.update({label: family for label in item["labels"]})
        family.position, family.description = position, item["description"]
        family.save()
    generic = set(data["unclassified"])
    for label in labels:
        family = family_of.get(label.name)
        if family is None or family.pk == label.pk:
            if label.name in generic:
                label.delete()  # says nothing a visitor could filter on
            continue  # a label the list does not know stays, as a family staff can merge
        for service in Service.objects.filter(themes=label):
            service.themes.add(family)
        label.merged_into = family
        label.save(update_fields=["merged_into"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_service_facts_and_families")]

    operations = [migrations.RunPython(create_families, migrations.RunPython.noop)]
