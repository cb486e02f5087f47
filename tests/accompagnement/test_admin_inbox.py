"""The chargé·es' inbox in the admin: filters, e-mails read before they leave, who must act, the dashboard."""

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnement import workflow
from accompagnement.models import DiagnosticRequest, Event, Status
from territoires.models import Commune
from tests.accompagnement.factories import NO_NEEDS, saved_request
from tests.conftest import login_with_second_factor

LIST = "/admin/accompagnement/diagnosticrequest/"


def change_url(request):
    return f"{LIST}{request.pk}/change/"


def page_text(response) -> str:
    return unescape(response.content.decode())


def change_payload(client, request, **data) -> dict:
    form = client.get(change_url(request)).context["adminform"].form
    return {"loaded_at": form.initial["loaded_at"], "assignee": "", **NO_NEEDS, **data}


@pytest.fixture
def epci_request(territories):
    """An open request of the CC de l'Alta Rocca (242000495, Corse-du-Sud, 8,983 inhabitants)."""
    request, _ = saved_request(commune_id=None, epci_id="242000495", population=8983)
    return request


@pytest.fixture
def staffed(client, chargee, territories):
    login_with_second_factor(client, chargee)
    return client


def test_an_epci_request_is_found_by_its_region_and_departement(staffed, epci_request):
    by_region = staffed.get(LIST, {"region": "94"})
    by_departement = staffed.get(LIST, {"departement": "2A"})
    elsewhere = staffed.get(LIST, {"region": "84"})

    assert list(by_region.context["cl"].result_list) == [epci_request]
    assert list(by_departement.context["cl"].result_list) == [epci_request]
    assert list(elsewhere.context["cl"].result_list) == []
    assert "CC de l'Alta Rocca (EPCI)" in page_text(by_region)


def test_every_region_is_offered_in_the_filter(staffed, epci_request):
    html = page_text(staffed.get(LIST))

    assert "Corse" in html and "Provence-Alpes-Côte d'Azur" in html and "Guadeloupe" in html


def test_an_epci_across_two_departements_counts_in_its_main_members_one(staffed, territories):
    # CC Jabron-Lure-Vançon-Durance: 13 member communes in Alpes-de-Haute-Provence, one in Drôme.
    request, _ = saved_request(commune_id=None, epci_id="200071033", population=5415)

    response = staffed.get(LIST, {"departement": "04"})

    assert list(response.context["cl"].result_list) == [request]
    assert response.context["cl"].result_list[0].region_code == "93"


def test_the_list_has_french_headers_and_says_who_must_act(staffed, epci_request):
    html = page_text(staffed.get(LIST))

    for header in ["Référence", "Territoire", "Dép.", "Statut", "Chargé·e", "À qui la main", "Reçue le"]:
        assert f">{header}</a>" in html or f">{header}</span>" in html, header
    assert "Territory name" not in html and "TERRITORY" not in html
    assert "équipe, depuis 0 j" in html


def test_a_message_to_the_requester_is_read_before_it_is_sent(
    staffed, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    payload = change_payload(staffed, submitted, message_to_requester="Pouvez-vous préciser vos outils ?")

    with django_capture_on_commit_callbacks(execute=True):
        preview = staffed.post(change_url(submitted), payload)

    html = page_text(preview)
    assert "Relire le courriel avant de l'envoyer" in html
    assert "secretariat@mairie-exemple.fr" in html and "Pouvez-vous préciser vos outils ?" in html
    assert mailoutbox == [] and not submitted.events.filter(kind=Event.Kind.MESSAGE_TO_REQUESTER).exists()

    with django_capture_on_commit_callbacks(execute=True):
        staffed.post(change_url(submitted), {**payload, "_confirmer": "1"}, follow=True)

    assert [mail.to for mail in mailoutbox] == [["secretariat@mairie-exemple.fr"]]
    assert "Pouvez-vous préciser vos outils ?" in mailoutbox[0].body


def test_an_internal_note_alone_is_saved_without_any_email_or_public_trace(
    staffed, submitted, client, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staffed.post(
            change_url(submitted), change_payload(staffed, submitted, internal_note="Maire injoignable"), follow=True
        )

    assert "Relire le courriel" not in page_text(response)
    assert submitted.events.get(kind=Event.Kind.NOTE).body == "Maire injoignable"
    assert mailoutbox == []
    assert "Note interne : « Maire injoignable » (interne)" in page_text(staffed.get(change_url(submitted)))


def test_a_refusal_without_reason_is_refused_by_the_workflow_rule_and_nothing_changes(staffed, submitted):
    response = staffed.post(change_url(submitted), change_payload(staffed, submitted, new_status=Status.DECLINED))

    assert response.status_code == 200
    assert "Choisissez le motif du refus." in page_text(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.NEW


def test_the_refusal_email_shows_its_reason_in_the_preview(staffed, submitted):
    payload = change_payload(
        staffed, submitted, new_status=Status.DECLINED, refusal_reason_choice="hors_perimetre", message_to_requester=""
    )

    html = page_text(staffed.post(change_url(submitted), payload))

    assert "Votre demande " in html and ": refusée" in html and "Motif : hors périmètre." in html


def test_bulk_status_change_asks_first_how_many_requesters_get_an_email(
    staffed, submitted, epci_request, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    selected = {"action": "move_to_qualification", "_selected_action": [submitted.pk, epci_request.pk]}

    asked = staffed.post(LIST, selected)

    assert "2 demandes</strong> passeront au statut « en qualification »" in page_text(asked)
    assert "2 demandeurs recevront un courriel" in page_text(asked)
    assert DiagnosticRequest.objects.filter(status=Status.QUALIFYING).count() == 0 and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        done = staffed.post(LIST, {**selected, "post": "oui"}, follow=True)

    assert "2 demande(s) passée(s) au statut « en qualification » ; 2 courriel(s) envoyé(s)." in page_text(done)
    assert len(mailoutbox) == 2


def test_the_history_reads_in_french_with_paris_times(staffed, submitted, chargee):
    with time_machine.travel("2026-07-01 08:30:00+00:00", tick=False):
        workflow.assign_request(submitted.pk, to_user=chargee, by=chargee)

    html = page_text(staffed.get(change_url(submitted)))

    assert "1 juillet 2026 à 10:30</strong>, Camille Martin — Demande attribuée à Camille Martin." in html
    assert '{"chargé·e"' not in html and "08:30</strong>" not in html


def test_earlier_requests_of_the_same_commune_are_shown(staffed, territories):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        earlier, _ = saved_request(status=Status.WITHDRAWN)
    current, _ = saved_request()

    html = page_text(staffed.get(change_url(current)))

    assert f"{earlier.reference}</a> — abandonnée, reçue le 02/03/2026" in html


def test_a_requester_message_reaches_the_assignee_with_its_text_and_link(
    submitted, chargee, mailoutbox, django_capture_on_commit_callbacks, settings
):
    workflow.assign_request(submitted.pk, to_user=chargee, by=chargee)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_message(submitted.pk, body="Nous avons trouvé un créneau jeudi.")

    assert mailoutbox[0].to == ["chargee@anct.gouv.fr"]
    assert "Nous avons trouvé un créneau jeudi." in mailoutbox[0].body
    assert f"{settings.SITE_URL}/admin/accompagnement/diagnosticrequest/{submitted.pk}/change/" in mailoutbox[0].body


def test_a_requester_message_goes_to_the_team_when_nobody_is_assigned(
    submitted, mailoutbox, django_capture_on_commit_callbacks, settings
):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_message(submitted.pk, body="Une précision.")

    assert mailoutbox[0].to == [settings.STAFF_NOTIFICATION_EMAIL]
    assert "Une précision." in mailoutbox[0].body


def test_the_list_filters_on_who_must_act_next_and_since_when(staffed, submitted, chargee):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        workflow.post_message(submitted.pk, body="Quels outils utilisez-vous ?", by=chargee)

    waiting_requester = staffed.get(LIST, {"main": "demandeur"})
    workflow.post_message(submitted.pk, body="Un tableur.")
    waiting_team = staffed.get(LIST, {"main": "equipe"})

    assert list(waiting_requester.context["cl"].result_list) == [submitted]
    assert "demandeur, depuis 3 j" in page_text(waiting_requester)
    assert list(waiting_team.context["cl"].result_list) == [submitted]
    assert "équipe, depuis 0 j" in page_text(waiting_team)


def test_the_export_has_territory_themes_needs_and_services(admin_client, submitted):
    response = admin_client.post(LIST, {"action": "export_csv", "_selected_action": [submitted.pk]})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["département"] == "Ardèche"
    assert rows[0]["EPCI"] == "CC du Val d'Ay"
    assert rows[0]["thématiques"] and rows[0]["services qui intéressent"] == "Grist (instance de l'ANCT)"
    assert rows[0]["besoins"] == submitted.needs


def test_an_assigned_request_stays_unanswered_until_the_team_answers(staffed, submitted, chargee):
    workflow.assign_request(submitted.pk, to_user=chargee, by=chargee)
    workflow.post_message(submitted.pk, body="À rappeler", by=chargee, internal=True)
    before = staffed.get(f"{LIST}tableau-de-bord/")
    unanswered = staffed.get(LIST, {"reponse": "aucune"})
    workflow.move_request(submitted.pk, to=Status.QUALIFYING, by=chargee)
    after = staffed.get(f"{LIST}tableau-de-bord/")

    assert before.context["untouched"] == [submitted]
    assert list(unanswered.context["cl"].result_list) == [submitted]
    assert after.context["untouched"] == []
    assert after.context["delays"]["answered"] == 1


def test_the_dashboard_shows_each_chargees_workload_as_links(staffed, submitted, chargee):
    workflow.assign_request(submitted.pk, to_user=chargee, by=chargee)

    response = staffed.get(f"{LIST}tableau-de-bord/")

    html = page_text(response)
    row = next(row for row in response.context["workload"] if row["name"] == "Camille Martin")
    assert (row["open"], row["team"], row["unanswered"]) == (1, 1, 1)
    assert f'href="{LIST}?attribution={chargee.pk}&amp;main=equipe">1</a>' in response.content.decode()
    assert "Charge par chargé·e" in html


def test_the_list_costs_the_same_queries_for_5_or_25_requests(staffed, chargee, territories):
    communes = list(Commune.objects.filter(population__lt=3500).order_by("code_insee")[:25])

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staffed.get(LIST).status_code == 200
        return len(captured)

    for commune in communes[:5]:
        request, _ = saved_request(commune_id=commune.code_insee, population=commune.population)
        workflow.assign_request(request.pk, to_user=chargee, by=chargee)
    few = queries_for_list()
    for commune in communes[5:]:
        request, _ = saved_request(commune_id=commune.code_insee, population=commune.population)
        workflow.post_message(request.pk, body="Bonjour", by=chargee)

    assert queries_for_list() == few


def test_requests_are_reassigned_in_bulk_to_an_active_chargee(staffed, submitted, epci_request, chargee):
    selected = {"action": "assign_to", "_selected_action": [submitted.pk, epci_request.pk]}

    asked = staffed.post(LIST, selected)
    done = staffed.post(LIST, {**selected, "post": "oui", "chargee": chargee.pk}, follow=True)

    assert "Camille Martin" in page_text(asked)
    assert "2 demande(s) attribuée(s) à Camille Martin." in page_text(done)
    assert DiagnosticRequest.objects.filter(assignee=chargee).count() == 2
    assert Event.objects.filter(kind=Event.Kind.ASSIGNMENT, author=chargee).count() == 2


def test_a_bulk_reassignment_to_someone_outside_the_group_is_refused(staffed, submitted, chargee, django_user_model):
    outsider = django_user_model.objects.create_user("comptable", is_staff=True)
    selected = {"action": "assign_to", "_selected_action": [submitted.pk], "post": "oui", "chargee": outsider.pk}

    response = staffed.post(LIST, selected)

    assert response.status_code == 400
    assert "Choisissez un·e chargé·e dans la liste." in page_text(response)
    submitted.refresh_from_db()
    assert submitted.assignee is None


def test_the_workload_keeps_the_requests_of_someone_who_left_the_group(staffed, submitted, django_user_model):
    former = django_user_model.objects.create_user("ancien", is_staff=True, first_name="Lou", last_name="Ancien")
    workflow.assign_request(submitted.pk, to_user=former, by=former)

    response = staffed.get(f"{LIST}tableau-de-bord/")

    row = next(row for row in response.context["workload"] if row["name"] == "Lou Ancien (hors de l'équipe)")
    assert row["open"] == 1


def test_a_malformed_assignee_in_the_address_or_the_form_is_no_error(staffed, submitted):
    huge = "9" * 30

    listed = staffed.get(LIST, {"attribution": huge})
    posted = staffed.post(
        LIST, {"action": "assign_to", "_selected_action": [submitted.pk], "post": "oui", "chargee": huge}
    )

    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == []
    assert posted.status_code == 400 and "Choisissez un·e chargé·e dans la liste." in page_text(posted)
