from django.core.management.base import BaseCommand

from catalogue.demo import load_services
from consultation.demo import load_enjeux


class Command(BaseCommand):
    help = "Charge les données de démonstration réelles : grands enjeux de 2021 et catalogue de services (idempotent)."

    def handle(self, *args, **options):
        enjeux = load_enjeux()
        self.stdout.write(f"Grands enjeux : {enjeux} créé(s).")
        services = load_services()
        self.stdout.write(f"Services : {services} créé(s).")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
