import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from accompagnement import workflow
from accompagnement.models import DiagnosticRequest, Event, Status
from tests.accompagnement.factories import saved_request


@pytest.fixture
def link(submitted, mailoutbox):
    return re.search(r"/accompagnement/suivi/\S+/", mailoutbox[0].body).group(0)


def test_the_requester_sees_status_and_public_timeline_but_not_internal_notes(client, submitted, link, admin_user):
    workflow.move_request(submitted.pk, to=Status.QUALIFYING, by=admin_user, note="Appel prévu mardi.")
    workflow.post_message(submitted.pk, body="Pouvez-vous nous rappeler ?", by=admin_user)
    workflow.post_message(submitted.pk, body="Maire difficile à joindre.", by=admin_user, internal=True)

    html = unescape(client.get(link).content.decode())

    assert submitted.reference in html and "En qualification" in html
    assert "Appel prévu mardi." in html and "Pouvez-vous nous rappeler ?" in html
    assert "Maire difficile à joindre." not in html


def test_the_requester_writes_to_the_team(client, submitted, link, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"action": "message", "body": "Nous sommes disponibles jeudi."}, follow=True)

    assert "a été transmis" in unescape(response.content.decode())
    assert Event.objects.filter(kind=Event.Kind.MESSAGE_FROM_REQUESTER, body="Nous sommes disponibles jeudi.").exists()
    assert mailoutbox[-1].to == ["contactincubateur@anct.gouv.fr"]


def test_an_empty_message_is_refused_in_french(client, submitted, link):
    response = client.post(link, {"action": "message", "body": "   "})

    assert response.status_code == 400
    assert "Écrivez votre message" in unescape(response.content.decode())


def test_withdrawing_asks_for_confirmation_first(client, submitted, link):
    response = client.get(link, {"etape": "retrait"})

    html = unescape(response.content.decode())
    assert "Voulez-vous vraiment retirer la demande" in html and "Oui, retirer la demande" in html
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.NEW


def test_a_withdrawal_posted_without_confirmation_changes_nothing(client, submitted, link):
    response = client.post(link, {"action": "retirer"}, follow=True)

    assert "Voulez-vous vraiment retirer la demande" in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.NEW


def test_the_requester_withdraws_the_request_and_can_undo_it(client, submitted, link, admin_user):
    workflow.move_request(submitted.pk, to=Status.QUALIFYING, by=admin_user)

    response = client.post(link, {"action": "retirer", "confirme": "oui"}, follow=True)

    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.WITHDRAWN
    html = unescape(response.content.decode())
    assert "a été retirée" in html and "Retirer ma demande" not in html and "Annuler le retrait" in html

    response = client.post(link, {"action": "annuler-retrait"}, follow=True)

    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.QUALIFYING
    assert "Le retrait est annulé" in unescape(response.content.decode())
    assert Event.objects.filter(old_status=Status.WITHDRAWN, new_status=Status.QUALIFYING, author=None).exists()


def test_a_withdrawal_cannot_be_undone_after_30_days(client, submitted, link):
    client.post(link, {"action": "retirer", "confirme": "oui"})
    Event.objects.filter(new_status=Status.WITHDRAWN).update(created_at=timezone.now() - timedelta(days=31))

    response = client.post(link, {"action": "annuler-retrait"}, follow=True)

    assert "Cette demande a déjà été traitée" in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


def test_a_withdrawal_cannot_be_undone_once_another_request_is_open(client, submitted, link):
    client.post(link, {"action": "retirer", "confirme": "oui"})
    saved_request()  # a colleague asked again for Lalouvesc meanwhile

    response = client.post(link, {"action": "annuler-retrait"}, follow=True)

    assert "Une autre demande est déjà en cours" in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


def test_a_refusal_by_staff_cannot_be_undone_by_the_requester(client, submitted, link, admin_user):
    workflow.move_request(submitted.pk, to=Status.WITHDRAWN, by=admin_user)

    response = client.post(link, {"action": "annuler-retrait"}, follow=True)

    assert "Annuler le retrait" not in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


def test_acting_on_a_finished_request_says_so(client, submitted, link):
    DiagnosticRequest.objects.filter(pk=submitted.pk).update(status=Status.CLOSED)

    response = client.post(link, {"action": "retirer", "confirme": "oui"}, follow=True)

    assert "Cette demande a déjà été traitée" in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == Status.CLOSED


@pytest.mark.parametrize("token", ["x", "0" * 43, "../../admin", "%00", "a" * 500])
def test_wrong_tokens_are_a_plain_404(client, submitted, token):
    assert client.get(f"/accompagnement/suivi/{token}/").status_code == 404


def test_the_follow_up_page_shows_what_was_sent_and_explains_every_status(client, submitted, link):
    html = unescape(client.get(link).content.decode())

    assert "Ce que vous avez envoyé" in html
    assert "Lalouvesc (Ardèche, 07)" in html
    assert "Nous voulons partager nos tableaux avec les élus sans les envoyer par courriel." in html
    assert "Données, cartes et adresses" in html and "Grist" in html
    assert "Nous avons bien reçu votre demande. Un·e chargé·e d'accompagnement va la lire" in html
    assert "Première réponse sous 5 jours ouvrés" in html
    for explanation in ("étudie votre demande", "Le diagnostic est prévu", "Le diagnostic a eu lieu"):
        assert explanation in html
    assert "c’est ici" in html


def test_inviting_a_colleague_with_a_bad_address_is_a_french_error(client, submitted, link):
    response = client.post(link, {"action": "inviter", "invitation-email": "maire"})

    assert response.status_code == 400
    assert "Adresse électronique invalide" in unescape(response.content.decode())


def test_a_request_is_shared_with_five_colleagues_at_most(client, submitted, link):
    for number in range(5):
        workflow.invite_colleague(submitted.pk, email=f"elu{number}@mairie-exemple.fr")

    response = client.post(link, {"action": "inviter", "invitation-email": "elu9@mairie-exemple.fr"}, follow=True)

    assert "5 personnes au plus" in unescape(response.content.decode())
