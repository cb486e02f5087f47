from django.conf import settings
from django.core.management.base import BaseCommand

from accompagnement.service_levels import send_staff_reminders


class Command(BaseCommand):
    help = (
        "Envoie à chaque chargé·e (à l'adresse de l'équipe pour les demandes non attribuées) la liste des demandes "
        "qui attendent l'équipe depuis plus de ANSM_FIRST_ANSWER_WORKING_DAYS jours ouvrés, par la file d'envoi des "
        "courriels ; à lancer chaque jour (un second lancement le même jour n'envoie rien de plus)."
    )

    def handle(self, *args, **options):
        sent = send_staff_reminders()
        days = settings.ANSM_FIRST_ANSWER_WORKING_DAYS
        self.stdout.write(
            self.style.SUCCESS(f"{sent} relance(s) mise(s) en file d'envoi (attente de plus de {days} jours ouvrés).")
        )
