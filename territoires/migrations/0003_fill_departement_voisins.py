"""Fill the neighbours of the départements already in the database (the import fills them from then on).

Without it, a database imported before 0002 kept empty neighbours until the next ``import_territoires``.
"""

from django.db import migrations

from territoires.neighbours import neighbours_by_departement


def fill(apps, schema_editor):
    Departement = apps.get_model("territoires", "Departement")
    Commune = apps.get_model("territoires", "Commune")
    codes = set(Departement.objects.values_list("code", flat=True))
    if not codes:
        return
    communes = Commune.objects.values("departement_id", "epci_id", "codes_postaux").iterator(chunk_size=5000)
    for code, voisins in neighbours_by_departement(communes, codes).items():
        Departement.objects.filter(code=code).update(voisins=voisins)


class Migration(migrations.Migration):
    dependencies = [("territoires", "0002_departement_voisins")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
