"""The team's service level: a first answer within a number of working days, and the daily reminder."""

import io
from datetime import date
from html import unescape

import time_machine
from django.core.management import call_command

from accompagnement import workflow
from accompagnement.models import Delivery, Email
from accompagnement.service_levels import public_holidays, working_days_before
from tests.accompagnement.factories import saved_request
from tests.conftest import login_with_second_factor

LIST = "/admin/accompagnement/diagnosticrequest/"


def test_the_french_public_holidays_of_2026_include_those_that_move_with_easter():
    holidays = public_holidays(2026)

    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14)} <= holidays
    assert len(holidays) == 11


def test_working_days_skip_weekends_and_holidays():
    # Back from Monday 18 May 2026: Ascension (14 May) and 8 May are not worked.
    assert working_days_before(date(2026, 5, 18), 5) == date(2026, 5, 7)


def test_a_request_unanswered_after_five_working_days_is_flagged_late(client, chargee, territories, settings):
    settings.ANSM_FIRST_ANSWER_WORKING_DAYS = 5
    with time_machine.travel("2026-05-06 10:00:00+02:00", tick=False):
        old, _ = saved_request()
    with time_machine.travel("2026-05-11 10:00:00+02:00", tick=False):
        recent, _ = saved_request(commune_id="04005", population=126)
    login_with_second_factor(client, chargee)

    with time_machine.travel("2026-05-18 09:00:00+02:00", tick=False):
        response = client.get(LIST, {"reponse": "retard"})
        dashboard = client.get(f"{LIST}tableau-de-bord/")

    assert list(response.context["cl"].result_list) == [old]
    assert "en retard (plus de 5 jours ouvrés)" in unescape(response.content.decode())
    assert dashboard.context["delays"]["late"] == 1
    assert recent not in response.context["cl"].result_list  # 5 working days are not over yet


def test_the_daily_reminder_lists_each_assignees_waiting_requests(
    chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_FIRST_ANSWER_WORKING_DAYS = 5
    with time_machine.travel("2026-05-04 10:00:00+02:00", tick=False):
        mine, _ = saved_request()
        nobodys, _ = saved_request(commune_id="04005", population=126)
        answered, _ = saved_request(commune_id="07262", population=183)
        workflow.assign_request(mine.pk, to_user=chargee, by=chargee)
        workflow.post_message(answered.pk, body="Nous vous appelons lundi.", by=chargee)

    output = io.StringIO()
    with time_machine.travel("2026-05-18 07:00:00+02:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_staff", stdout=output)

    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {"chargee@anct.gouv.fr", settings.STAFF_NOTIFICATION_EMAIL}
    assert mine.reference in by_address["chargee@anct.gouv.fr"].body
    assert nobodys.reference not in by_address["chargee@anct.gouv.fr"].body
    assert nobodys.reference in by_address[settings.STAFF_NOTIFICATION_EMAIL].body
    assert all(answered.reference not in mail.body for mail in mailoutbox)
    assert "2 relance(s) mise(s) en file d'envoi" in output.getvalue()
    assert "1 demande ANSM attend l'équipe depuis plus de 5 jours ouvrés" == by_address["chargee@anct.gouv.fr"].subject


def test_the_staff_reminder_goes_through_the_outbox_once_a_day(
    chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_FIRST_ANSWER_WORKING_DAYS = 5
    with time_machine.travel("2026-05-04 10:00:00+02:00", tick=False):
        waiting, _ = saved_request()
        workflow.assign_request(waiting.pk, to_user=chargee, by=chargee)

    with time_machine.travel("2026-05-18 07:00:00+02:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_staff", stdout=io.StringIO())
            call_command("remind_staff", stdout=io.StringIO())  # the scheduler retried the job
    with time_machine.travel("2026-05-19 07:00:00+02:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_staff", stdout=io.StringIO())

    rows = Email.objects.filter(template="staff_reminder").order_by("created_at")
    assert [(row.to, row.delivery, row.body) for row in rows] == [("chargee@anct.gouv.fr", Delivery.SENT, "")] * 2
    assert len(mailoutbox) == 2
    assert waiting.reference in mailoutbox[0].body
