"""The e-mails a requester reads: each carries a working follow-up link, a Reply-To, the commune with its
département, and the first one a recap of the request and the expected delay."""

import re

import pytest

from accompagnement import workflow
from accompagnement.models import DiagnosticRequest, FollowUpLink, Status

LINK = re.compile(r"https?://\S+?(/accompagnement/suivi/[\w-]+/)")


@pytest.fixture
def staff(admin_user):
    return admin_user


def test_the_confirmation_recaps_the_request_with_the_delay_and_the_departement(submitted, mailoutbox):
    message = mailoutbox[0]

    assert message.reply_to == ["contactincubateur@anct.gouv.fr"]
    assert "Lalouvesc (Ardèche, 07)" in message.body
    assert "vous répond sous 5 jours ouvrés" in message.body
    assert "Nous voulons partager nos tableaux avec les élus" in message.body
    assert "Données, cartes et adresses" in message.body and "Grist" in message.body
    assert "Marie Durand, secrétaire de mairie, secretariat@mairie-exemple.fr, 04 75 00 00 00" in message.body
    assert "Lalouvesc (Ardèche, 07)" in mailoutbox[1].subject  # the staff e-mail names the département too


def test_the_reply_to_is_a_setting(client, form_data, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.ANSM_REPLY_TO_EMAIL = "ansm@anct.gouv.fr"

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)

    assert mailoutbox[0].reply_to == ["ansm@anct.gouv.fr"]
    assert mailoutbox[0].from_email == "Incubateur des territoires <ne-pas-repondre@anct.gouv.fr>"


def test_a_status_e_mail_explains_the_status_and_carries_a_link_that_works(
    client, submitted, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move_request(submitted.pk, to=Status.QUALIFYING, by=staff, note="Je vous appelle mardi.")

    body = mailoutbox[-1].body
    assert "est maintenant : en qualification" in body
    assert "Ce que cela veut dire : Un·e chargé·e d'accompagnement étudie votre demande" in body
    assert "Je vous appelle mardi." in body
    assert mailoutbox[-1].reply_to == ["contactincubateur@anct.gouv.fr"]
    assert "En qualification" in client.get(LINK.search(body).group(1)).content.decode()
    # The first link still works: a new one never disables those already sent.
    assert client.get(LINK.search(mailoutbox[0].body).group(1)).status_code == 200


def test_a_message_e_mail_carries_the_link(client, submitted, staff, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_message(submitted.pk, body="Pouvez-vous nous rappeler ?", by=staff)

    body = mailoutbox[-1].body
    assert "Pouvez-vous nous rappeler ?" in body and "Vous pouvez répondre à ce courriel" in body
    assert client.get(LINK.search(body).group(1)).status_code == 200


def test_a_lost_link_goes_to_the_address_on_file_and_the_page_tells_nothing(
    client, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accompagnement/suivi/", {"email": "SECRETARIAT@mairie-exemple.fr"}, follow=True)
        unknown = client.post("/accompagnement/suivi/", {"email": "personne@example.fr"}, follow=True)

    sent = mailoutbox[-1]
    assert sent.to == ["secretariat@mairie-exemple.fr"]  # as on file, not as typed
    assert len(mailoutbox) == 3  # confirmation, staff, and one link: nothing for the unknown address
    assert "Les liens reçus auparavant fonctionnent toujours" in sent.body
    assert client.get(LINK.search(sent.body).group(1)).status_code == 200
    known_text = known.content.decode().replace("SECRETARIAT@mairie-exemple.fr", "ADRESSE")
    unknown_text = unknown.content.decode().replace("personne@example.fr", "ADRESSE")
    assert "Si une demande a été faite avec l&#x27;adresse ADRESSE" in known_text
    assert re.sub(r'value="[^"]+"', "", known_text) == re.sub(r'value="[^"]+"', "", unknown_text)


def test_asking_again_and_again_sends_one_link_per_quarter_hour(
    client, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post("/accompagnement/suivi/", {"email": "secretariat@mairie-exemple.fr"})

    assert len(mailoutbox) == 3
    assert FollowUpLink.objects.filter(kind=FollowUpLink.Kind.RECOVERY).count() == 1


def test_finding_a_link_is_rate_limited_per_client(client, settings, db):
    settings.ANSM_POSTS_PER_HOUR = 2
    for _ in range(2):
        client.post("/accompagnement/suivi/", {"email": "a@example.fr"})

    assert client.post("/accompagnement/suivi/", {"email": "a@example.fr"}).status_code == 429


def test_a_bad_address_is_a_french_error(client, db):
    response = client.post("/accompagnement/suivi/", {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Adresse électronique invalide" in response.content.decode()
    assert "<title>Erreur – Retrouver mon lien de suivi" in response.content.decode()


def test_a_colleague_is_invited_and_follows_with_a_link_of_their_own(
    client, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    link = LINK.search(mailoutbox[0].body).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"action": "inviter", "invitation-email": "maire@mairie-exemple.fr"}, follow=True)

    invitation = mailoutbox[-1]
    assert "vient d'être envoyée à maire@mairie-exemple.fr" in response.content.decode().replace("&#x27;", "'")
    assert invitation.to == ["maire@mairie-exemple.fr"]
    assert invitation.subject.startswith("Marie Durand (secrétaire de mairie) vous invite à suivre")
    colleague_link = LINK.search(invitation.body).group(1)
    assert colleague_link != link
    assert "Lalouvesc (Ardèche, 07)" in client.get(colleague_link).content.decode()

    # The colleague can find their link again with their own address.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/suivi/", {"email": "maire@mairie-exemple.fr"})
    assert mailoutbox[-1].to == ["maire@mairie-exemple.fr"]


def test_the_purge_erases_the_links_and_the_colleagues_addresses(submitted, django_capture_on_commit_callbacks):
    from accompagnement.purge import purge_requests

    workflow.invite_colleague(submitted.pk, email="maire@mairie-exemple.fr")
    DiagnosticRequest.objects.filter(pk=submitted.pk).update(status=Status.CLOSED, updated_at="2020-01-01T00:00Z")

    assert purge_requests(older_than_months=24) == 1
    assert not FollowUpLink.objects.exists()
