from django.conf import settings
from django.core.management.base import BaseCommand

from accompagnement.purge import purge_requests


class Command(BaseCommand):
    help = (
        "Efface les données personnelles des demandes clôturées, refusées ou abandonnées depuis plus de N mois "
        "(par défaut PERSONAL_DATA_RETENTION_MONTHS) ; les statistiques sont conservées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=settings.PERSONAL_DATA_RETENTION_MONTHS)
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien effacer")

    def handle(self, *args, months, dry_run, **options):
        count = purge_requests(older_than_months=months, dry_run=dry_run)
        verb = "seraient anonymisées" if dry_run else "anonymisée(s)"
        self.stdout.write(self.style.SUCCESS(f"{count} demande(s) {verb} (terminées depuis plus de {months} mois)."))
