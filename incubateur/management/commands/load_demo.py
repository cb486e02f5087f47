from django.conf import settings
from django.core.management.base import BaseCommand

from accompagnement.demo import load_example_diagnostic
from catalogue.demo import load_laureats, load_links as load_catalogue_links, load_services, load_synonyms
from consultation.demo import load_enjeux, load_figures, load_investigations, load_links, load_sample_export
from core.french import plural


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : grands enjeux, investigations du PNI, chiffres publiés, catalogue "
        "de services et lauréats France Relance (faits publics), et un petit export Decidim d'exemple (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--exemple-ansm",
            action="store_true",
            help="Ajoute une demande ANSM d'exemple avec son diagnostic publié (développement seulement : "
            "elle compterait dans les statistiques).",
        )

    def handle(self, *args, **options):
        if options["exemple_ansm"] and not settings.DEVELOPMENT:
            # Its follow-up address is public in the code and it would count in the figures: `make run` on a
            # DATABASE_URL loads the rest of the demo without it.
            self.stderr.write(
                "Demande ANSM d'exemple non chargée : elle ne se charge que sur la base de développement embarquée "
                "(DATABASE_URL non défini)."
            )
            options["exemple_ansm"] = False
        self.stdout.write(f"Grands enjeux : {plural(load_enjeux(), 'créé', 'créés')}.")
        self.stdout.write(f"Investigations du PNI : {plural(load_investigations(), 'créée', 'créées')}.")
        load_figures()
        self.stdout.write(f"Services : {plural(load_services(), 'créé', 'créés')}.")
        self.stdout.write(f"Synonymes de recherche : {plural(load_synonyms(), 'créé', 'créés')}.")
        self.stdout.write(f"Lauréats France Relance : {plural(load_laureats(), 'créé', 'créés')}.")
        links = load_links() + load_catalogue_links()
        self.stdout.write(f"Liens entre enjeux, investigations et services : {plural(links, 'créé', 'créés')}.")
        report = load_sample_export()
        self.stdout.write(
            f"Contributions d'exemple : {plural(report.created['propositions'], 'créée', 'créées')}, "
            f"commentaires : {plural(report.created['commentaires'], 'créé', 'créés')}."
        )
        if options["exemple_ansm"]:
            path = load_example_diagnostic()
            self.stdout.write(f"Demande ANSM d'exemple avec son diagnostic publié : {settings.SITE_URL}{path}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
