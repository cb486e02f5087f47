from django.core.management.base import BaseCommand

from catalogue.usage_workflow import CONFIRMATION_MONTHS, HIDE_AFTER_MONTHS, expire_deployments


class Command(BaseCommand):
    help = (
        f"Passe « à confirmer » les utilisations publiées sans confirmation depuis {CONFIRMATION_MONTHS} mois, "
        f"masque celles restées sans confirmation {HIDE_AFTER_MONTHS} mois de plus, et efface les déclarations "
        "dont l'adresse n'a pas été confirmée ou décidées depuis plus d'un an. "
        "À lancer chaque jour par le planificateur de la plateforme."
    )

    def handle(self, *args, **options):
        to_confirm, hidden, dropped = expire_deployments()
        self.stdout.write(
            self.style.SUCCESS(
                f"{to_confirm} utilisation(s) passée(s) « à confirmer », {hidden} masquée(s), "
                f"{dropped} déclaration(s) non confirmée(s) ou décidée(s) depuis plus d'un an effacée(s)."
            )
        )
