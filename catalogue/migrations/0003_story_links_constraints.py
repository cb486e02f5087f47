"""The links of the consultation's story, second step: the enjeux field through its model, and the constraints.

Apart from 0002 because PostgreSQL refuses to alter a table in the transaction that just wrote its rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_story_links"),
    ]

    operations = [
        migrations.RemoveField(model_name="service", name="enjeux"),
        migrations.AddField(
            model_name="service",
            name="enjeux",
            field=models.ManyToManyField(
                blank=True,
                related_name="services",
                through="catalogue.ServiceEnjeu",
                to="consultation.enjeu",
                verbose_name="grands enjeux",
            ),
        ),
        migrations.AddConstraint(
            model_name="laureat",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("enjeu__isnull", True), ("enjeu_basis", "")),
                    models.Q(("enjeu__isnull", False), ("enjeu_basis__in", ["source", "theme"])),
                    _connector="OR",
                ),
                name="laureat_enjeu_basis_given",
                violation_error_message="Indiquez le fondement du lien avec l'enjeu (et seulement s'il y a un enjeu).",
            ),
        ),
        migrations.AddConstraint(
            model_name="laureat",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("service__isnull", True), ("service_basis", "")),
                    models.Q(("service__isnull", False), ("service_basis__in", ["source", "theme"])),
                    _connector="OR",
                ),
                name="laureat_service_basis_given",
                violation_error_message="Indiquez le fondement du lien avec le service (et seulement s'il y a un service).",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceenjeu",
            constraint=models.UniqueConstraint(fields=("service", "enjeu"), name="service_enjeu_unique"),
        ),
        migrations.AddConstraint(
            model_name="serviceenjeu",
            constraint=models.CheckConstraint(
                condition=models.Q(("basis__in", ["source", "theme"])), name="service_enjeu_basis_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceenjeu",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("basis", "source"), _negated=True),
                    models.Q(("source", ""), _negated=True),
                    _connector="OR",
                ),
                name="service_enjeu_source_given",
                violation_error_message="Indiquez la source publique qui établit ce lien.",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceinvestigation",
            constraint=models.UniqueConstraint(
                fields=("service", "investigation"), name="service_investigation_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceinvestigation",
            constraint=models.CheckConstraint(
                condition=models.Q(("basis__in", ["source", "theme"])), name="service_investigation_basis_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceinvestigation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("basis", "source"), _negated=True),
                    models.Q(("source", ""), _negated=True),
                    _connector="OR",
                ),
                name="service_investigation_source_given",
                violation_error_message="Indiquez la source publique qui établit ce lien.",
            ),
        ),
    ]
