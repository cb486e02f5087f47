from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.publiccode import PubliccodeError, import_publiccode


class Command(BaseCommand):
    help = (
        "Crée ou met à jour des services depuis des fichiers publiccode.yml (service reconnu par l'adresse "
        "de son dépôt). Tous les fichiers sont vérifiés avant toute écriture."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="fichiers publiccode.yml")
        parser.add_argument(
            "--unpublished", action="store_true", help="créer les nouveaux services sans les publier (à relire)"
        )

    def handle(self, *args, paths, unpublished, **options):
        try:
            result = import_publiccode(paths, publish=not unpublished)
        except PubliccodeError as error:
            raise CommandError(f"Import annulé, rien n'a été modifié. {error}") from error
        for name in result.created:
            self.stdout.write(f"créé : {name}")
        for name in result.updated:
            self.stdout.write(f"mis à jour : {name}")
        for key in result.ignored:
            self.stdout.write(f"non gardé : {key}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.created)} service(s) créé(s), {len(result.updated)} mis à jour.")
        )
