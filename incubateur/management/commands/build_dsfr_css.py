from django.core.management.base import BaseCommand

from incubateur.dsfr_css import write


class Command(BaseCommand):
    help = (
        "Écrit static/dsfr-portail/dsfr.min.css : le cœur du DSFR, les seuls composants et icônes que les pages "
        "utilisent (à relancer après avoir utilisé un nouveau composant, puis à committer)."
    )

    def handle(self, *args, **options):
        path = write()
        self.stdout.write(f"{path} : {path.stat().st_size // 1024} ko.")
