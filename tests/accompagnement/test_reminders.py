"""Requesters who do not answer the team: two staged reminders, then the request is closed "sans suite"."""

import io
from html import unescape

import time_machine
from django.core.management import call_command

from accompagnement import workflow
from accompagnement.models import Email, Event, RefusalReason, Status, WaitingOn
from tests.accompagnement.factories import saved_request
from tests.conftest import login_with_second_factor


def run_on(moment: str, capture) -> str:
    """``manage.py remind_requesters`` as the scheduler runs it at ``moment``; returns what it printed."""
    output = io.StringIO()
    with time_machine.travel(moment, tick=False), capture(execute=True):
        call_command("remind_requesters", stdout=output)
    return output.getvalue()


def waiting_on_requester(chargee):
    """A request of Lalouvesc the team wrote about on Monday 4 May 2026, with no answer since."""
    with time_machine.travel("2026-05-04 10:00:00+02:00", tick=False):
        request, token = saved_request()
        workflow.post_message(
            request.pk, body="Pouvez-vous nous dire combien d'agents utilisent l'outil ?", by=chargee
        )
    return request, token


def test_a_silent_requester_gets_two_reminders_then_the_request_is_closed_sans_suite(
    chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_REQUESTER_REMINDER_DAYS, settings.ANSM_REQUESTER_CLOSE_DAYS = [7, 14], 21
    request, _ = waiting_on_requester(chargee)
    mailoutbox.clear()

    # 8 and 14 May are holidays: 7 working days are over on Monday 18 May, not on Friday 15.
    before = run_on("2026-05-15 07:00:00+02:00", django_capture_on_commit_callbacks)
    first = run_on("2026-05-18 07:00:00+02:00", django_capture_on_commit_callbacks)
    again = run_on("2026-05-18 12:00:00+02:00", django_capture_on_commit_callbacks)  # the job retried
    run_on("2026-05-28 07:00:00+02:00", django_capture_on_commit_callbacks)
    run_on("2026-05-29 07:00:00+02:00", django_capture_on_commit_callbacks)  # 7 working days after the first
    run_on("2026-06-09 07:00:00+02:00", django_capture_on_commit_callbacks)
    closing = run_on("2026-06-10 07:00:00+02:00", django_capture_on_commit_callbacks)
    run_on("2026-06-11 07:00:00+02:00", django_capture_on_commit_callbacks)

    assert "0 relance(s)" in before and "1 relance(s) de demandeur" in first and "0 relance(s)" in again
    assert "1 demande(s) classée(s) sans suite" in closing
    assert [mail.subject for mail in mailoutbox] == [
        f"Relance : votre demande {request.reference} attend votre réponse",
        f"Relance : votre demande {request.reference} attend votre réponse",
        f"Votre demande {request.reference} : refusée",
    ]
    assert all(mail.to == ["secretariat@mairie-exemple.fr"] for mail in mailoutbox)
    assert "relance n° 1" in mailoutbox[0].body and "Le 04/05/2026" in mailoutbox[0].body
    assert (
        "Sans nouvelles de votre part, la demande sera classée sans suite à partir du 10/06/2026" in mailoutbox[0].body
    )
    assert "classée sans suite à partir du 10/06/2026" in mailoutbox[1].body
    assert "Motif : sans réponse." in mailoutbox[2].body
    assert "nous classons cette demande sans suite" in mailoutbox[2].body
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == (Status.DECLINED, RefusalReason.NO_ANSWER)
    reminders = Event.objects.filter(request=request, kind=Event.Kind.REMINDER).order_by("created_at")
    assert [str(event.created_at.date()) for event in reminders] == ["2026-05-18", "2026-05-29"]
    closed = Event.objects.get(request=request, new_status=Status.DECLINED)
    assert closed.author is None and str(closed.created_at.date()) == "2026-06-10"
    assert Email.objects.filter(request=request, template="requester_reminder").count() == 2


def test_the_reminders_and_the_closing_read_as_automatic_in_the_history_and_on_the_follow_up_page(
    client, chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_REQUESTER_REMINDER_DAYS, settings.ANSM_REQUESTER_CLOSE_DAYS = [7, 14], 21
    request, token = waiting_on_requester(chargee)
    for day in ["2026-05-18", "2026-05-29", "2026-06-10"]:
        run_on(f"{day} 07:00:00+02:00", django_capture_on_commit_callbacks)
    login_with_second_factor(client, chargee)

    history = unescape(client.get(f"/admin/accompagnement/diagnosticrequest/{request.pk}/change/").content.decode())
    client.logout()
    follow_up = unescape(client.get(f"/accompagnement/suivi/{token}/").content.decode())

    assert "automatique (relance 1) — Relance envoyée au demandeur : « Relance n° 1" in history
    assert "automatique (classée sans suite après 2 relance(s)) — Statut : « nouvelle » → « refusée »" in history
    assert "Message au demandeur : « Sans réponse de votre part" in history
    assert "Mot du demandeur" not in history
    assert (
        "Relance de l’équipe :</strong> Relance n° 2 : l'équipe attend votre réponse à son message du 04/05/2026"
        in (follow_up)
    )
    assert "Statut : refusée</strong> — Sans réponse de votre part" in follow_up


def test_an_answer_of_the_requester_stops_the_reminders(
    chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_REQUESTER_REMINDER_DAYS, settings.ANSM_REQUESTER_CLOSE_DAYS = [7, 14], 21
    request, _ = waiting_on_requester(chargee)
    run_on("2026-05-18 07:00:00+02:00", django_capture_on_commit_callbacks)
    with time_machine.travel("2026-05-19 09:00:00+02:00", tick=False):
        workflow.post_message(request.pk, body="Trois agents, merci de votre relance.")

    for day in ["2026-05-29", "2026-06-10", "2026-07-01"]:
        run_on(f"{day} 07:00:00+02:00", django_capture_on_commit_callbacks)

    request.refresh_from_db()
    assert request.status == Status.NEW
    assert Event.objects.filter(request=request, kind=Event.Kind.REMINDER).count() == 1
    assert request.__class__.objects.with_waiting().get(pk=request.pk).waiting_on == WaitingOn.TEAM


def test_a_planned_diagnostic_is_never_reminded_nor_closed(
    chargee, territories, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ANSM_REQUESTER_REMINDER_DAYS, settings.ANSM_REQUESTER_CLOSE_DAYS = [7, 14], 21
    with time_machine.travel("2026-05-04 10:00:00+02:00", tick=False):
        request, _ = saved_request()
        workflow.move_request(request.pk, to=Status.QUALIFYING, by=chargee)
        workflow.move_request(request.pk, to=Status.SCHEDULED, by=chargee, note="Diagnostic le 30 juin.")

    for day in ["2026-05-18", "2026-05-29", "2026-06-10"]:
        run_on(f"{day} 07:00:00+02:00", django_capture_on_commit_callbacks)

    request.refresh_from_db()
    assert request.status == Status.SCHEDULED
    assert not Event.objects.filter(request=request, kind=Event.Kind.REMINDER).exists()


def test_the_reminder_command_is_declared_for_the_scheduler():
    import json
    from pathlib import Path

    jobs = json.loads((Path(__file__).parents[2] / "cron.json").read_text())["jobs"]

    assert any(job["command"].endswith("manage.py remind_requesters") for job in jobs)
