from django.core.management.base import BaseCommand

from catalogue.demo import load_laureats, load_services, load_synonyms
from consultation.demo import load_enjeux, load_figures, load_investigations, load_sample_export


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : grands enjeux, investigations du PNI, chiffres publiés, catalogue "
        "de services et lauréats France Relance (faits publics), et un petit export Decidim d'exemple (idempotent)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Grands enjeux : {load_enjeux()} créé(s).")
        self.stdout.write(f"Investigations du PNI : {load_investigations()} créée(s).")
        load_figures()
        self.stdout.write(f"Services : {load_services()} créé(s).")
        self.stdout.write(f"Synonymes de recherche : {load_synonyms()} créé(s).")
        self.stdout.write(f"Lauréats France Relance : {load_laureats()} créé(s).")
        report = load_sample_export()
        self.stdout.write(
            f"Contributions d'exemple : {report.created['propositions']} créée(s), "
            f"commentaires : {report.created['commentaires']} créé(s)."
        )
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
