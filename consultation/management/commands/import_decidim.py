from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultation.decidim import DecidimFormatError, import_decidim, read_enjeu_map


class Command(BaseCommand):
    help = (
        "Importe les propositions (et leurs commentaires) d'exports Decidim : zip de données ouvertes, CSV ou "
        "JSON, versions 0.23 et suivantes. Un second import du même export ne change rien ; un fichier "
        "illisible annule tout l'import."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="fichiers d'export (zip, csv ou json)")
        parser.add_argument(
            "--space-id", type=int, help="ne garder que cet espace participatif (participatory_space/id)"
        )
        parser.add_argument(
            "--component-id", type=int, help="ne garder que ce composant de propositions (component/id)"
        )
        parser.add_argument(
            "--enjeu-map",
            type=Path,
            help="correspondance catégorie Decidim (id ou nom) → grand enjeu (slug ou numéro), en JSON ou CSV",
        )
        parser.add_argument("--dry-run", action="store_true", help="tout vérifier et compter, sans rien enregistrer")

    def handle(self, *args, paths, space_id, component_id, enjeu_map, dry_run, **options):
        try:
            mapping = read_enjeu_map(enjeu_map) if enjeu_map else {}
            report = import_decidim(
                paths,
                space_id=space_id,
                component_id=component_id,
                enjeu_map=mapping,
                dry_run=dry_run,
                progress=self.stdout.write,
            )
        except DecidimFormatError as error:
            raise CommandError(f"Import annulé, la base n'a pas été modifiée. {error}") from error
        for kind in ("propositions", "commentaires"):
            self.stdout.write(
                f"{kind} : {report.created[kind]} créé(s), {report.updated[kind]} mis à jour, "
                f"{report.unchanged[kind]} inchangé(s)."
            )
        for (kind, reason), count in sorted(report.skipped.items()):
            self.stdout.write(f"{kind} ignoré(s) : {count} ({reason}).")
        if report.unknown_columns:
            self.stdout.write(f"Colonnes non reprises : {', '.join(sorted(report.unknown_columns))}.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Simulation (--dry-run) : rien n'a été enregistré."))
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
