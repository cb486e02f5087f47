"""Formerly filled the neighbours from the EPCI and postal codes; superseded by 0004 (drawn borders).

Kept as a no-op so that databases which ran it and new ones follow the same migration graph.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("territoires", "0002_departement_voisins")]

    operations = []
