from django.core.management.base import BaseCommand, CommandError

from incubateur import dsfr_chart


class Command(BaseCommand):
    help = (
        "Copie les graphiques du DSFR (@gouvfr/dsfr-chart, à la version de package-lock.json, depuis node_modules/) "
        "dans static/vendor/dsfr-chart/, adaptés à la politique de sécurité du contenu (à committer)."
    )

    def handle(self, *args, **options):
        try:
            folder = dsfr_chart.write()
        except dsfr_chart.VendorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{folder} : {dsfr_chart.PACKAGE} {dsfr_chart.locked_version()}.")
