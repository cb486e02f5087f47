from django.conf import settings
from django.core.management.base import BaseCommand

from accompagnement.workflow import remind_requesters


class Command(BaseCommand):
    help = (
        "Relance les demandeurs qui ne répondent pas à l'équipe (après ANSM_REQUESTER_REMINDER_DAYS jours ouvrés), "
        "puis classe leur demande sans suite (après ANSM_REQUESTER_CLOSE_DAYS) ; à lancer chaque jour, deux "
        "lancements le même jour n'envoient rien deux fois."
    )

    def handle(self, *args, **options):
        done = remind_requesters()
        days = ", ".join(str(day) for day in settings.ANSM_REQUESTER_REMINDER_DAYS)
        self.stdout.write(
            self.style.SUCCESS(
                f"{done['reminded']} relance(s) de demandeur (après {days} jours ouvrés) et {done['closed']} "
                f"demande(s) classée(s) sans suite (après {settings.ANSM_REQUESTER_CLOSE_DAYS} jours ouvrés)."
            )
        )
