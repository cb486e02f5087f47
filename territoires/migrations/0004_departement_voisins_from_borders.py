"""Départements already in the database get their neighbours from the drawn borders (the import does from now on).

The earlier derivation (EPCI and postal codes across a border) found about 40 % of the real borders, and false
ones around Paris: the Métropole du Grand Paris has members in five départements.
"""

from django.db import migrations

from territoires.neighbours import read_neighbours


def fill(apps, schema_editor):
    Departement = apps.get_model("territoires", "Departement")
    codes = set(Departement.objects.values_list("code", flat=True))
    for code, voisins in read_neighbours(codes).items():
        Departement.objects.filter(code=code).update(voisins=voisins)


class Migration(migrations.Migration):
    dependencies = [("territoires", "0003_fill_departement_voisins")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
