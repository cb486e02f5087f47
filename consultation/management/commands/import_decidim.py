from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultation.decidim import import_decidim, read_enjeu_map
from core.french import plural, plural_word
from core.rows import FileFormatError


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
        except FileFormatError as error:
            raise CommandError(f"Import annulé, la base n'a pas été modifiée. {error}") from error
        for line in summary(report):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Simulation (--dry-run) : rien n'a été enregistré."))
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))


# The words of the summary, agreeing with the gender of each kind of row (singular, plural).
WORDS = {
    "propositions": {
        "noun": ("proposition", "propositions"),
        "created": ("créée", "créées"),
        "updated": ("mise à jour", "mises à jour"),
        "unchanged": ("inchangée", "inchangées"),
        "skipped": ("ignorée", "ignorées"),
    },
    "commentaires": {
        "noun": ("commentaire", "commentaires"),
        "created": ("créé", "créés"),
        "updated": ("mis à jour", "mis à jour"),
        "unchanged": ("inchangé", "inchangés"),
        "skipped": ("ignoré", "ignorés"),
    },
}


def summary(report) -> list[str]:
    """What an import did, in French lines whose words agree with their numbers (« 1 proposition créée »)."""
    lines = []
    for kind, words in WORDS.items():
        counts = ", ".join(
            plural(getattr(report, state)[kind], *words[state]) for state in ("created", "updated", "unchanged")
        )
        lines.append(f"{words['noun'][1].capitalize()} : {counts}.")
    for (kind, reason), count in sorted(report.skipped.items()):
        words = WORDS[kind]
        lines.append(f"{plural(count, *words['noun'])} {plural_word(count, *words['skipped'])} ({reason}).")
    for name, what in report.ignored_files:
        lines.append(f"Fichier passé : {name} ({what}).")
    if report.unknown_columns:
        lines.append(f"Colonnes non reprises : {', '.join(sorted(report.unknown_columns))}.")
    return lines
