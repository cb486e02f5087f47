from django.core.management.base import BaseCommand

from incubateur import dsfr_css, dsfr_js


class Command(BaseCommand):
    help = (
        "Écrit static/dsfr-portail/dsfr.min.css et dsfr.module.min.js : le cœur du DSFR, les seuls composants et "
        "icônes que les pages utilisent (à relancer après avoir utilisé un nouveau composant, puis à committer)."
    )

    def handle(self, *args, **options):
        for path in (dsfr_css.write(), dsfr_js.write()):
            self.stdout.write(f"{path} : {path.stat().st_size // 1024} ko.")
