from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.rows import FileFormatError
from territoires.importer import DATA_DIR, import_territories


class Command(BaseCommand):
    help = (
        "Charge les régions, départements, EPCI et communes depuis les listes officielles "
        "(idempotent : un second passage ne change rien)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help=f"dossier des fichiers (par défaut : {DATA_DIR})"
        )

    def handle(self, *args, data_dir: Path, **options):
        try:
            report = import_territories(data_dir=data_dir, progress=self.stdout.write)
        except FileFormatError as error:
            raise CommandError(f"Import annulé, la base n'a pas été modifiée. {error}") from error
        absent = sum(report.absent.values())
        if absent:
            self.stdout.write(f"{absent} territoire(s) en base absent(s) des fichiers : conservé(s).")
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Territoires importés."))
        else:
            self.stdout.write(self.style.SUCCESS("Territoires déjà à jour : aucune modification."))
