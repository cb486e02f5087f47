"""Requests keep their needs when the catalogue's thématiques become families (catalogue 0003 to 0004).

Each request's former labels are replaced by the families they were merged into, before catalogue 0004
deletes the labels.
"""

from django.db import migrations


def move_to_families(apps, schema_editor):
    DiagnosticRequest = apps.get_model("accompagnement", "DiagnosticRequest")
    for request in DiagnosticRequest.objects.filter(themes__merged_into__isnull=False).distinct():
        labels = list(request.themes.filter(merged_into__isnull=False))
        request.themes.add(*{label.merged_into_id for label in labels})
        request.themes.remove(*labels)


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0002_staff_group"),
        ("catalogue", "0005_create_families"),
    ]
    run_before = [("catalogue", "0006_remove_thematique_labels")]

    operations = [migrations.RunPython(move_to_families, migrations.RunPython.noop)]
