import re

import pytest

from catalogue.models import Deployment, UsageDeclaration, UsageState
from tests.catalogue.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("territories")


@pytest.fixture
def service(db):
    return ServiceFactory(name="Réserv'salles")


def _post(client, service, **values):
    data = {"kind": "uses", "commune": "38185", "since": "03/2022", "use_case": "Salles municipales"}
    data |= {"email": "agent.numerique@grenoble.fr", **values}
    return client.post(f"/services/{service.slug}/utilisation/", data)


def _declare_and_get_link(client, service, mailoutbox, capture, **values):
    with capture(execute=True):
        response = _post(client, service, **values)
    assert response.status_code == 302, response.content.decode()
    return re.search(r"http://testserver(/utilisation/confirmer/\S+/)", mailoutbox[-1].body).group(1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_the_form_page_answers_with_its_title_and_fields(client, service):
    response = client.get(f"/services/{service.slug}/utilisation/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Votre collectivité utilise Réserv&#x27;salles ?</h1>" in html
    assert 'name="email"' in html and 'for="id_commune"' in html


def test_a_declaration_waits_for_its_address_and_the_mail_holds_a_private_link(
    client, service, mailoutbox, django_capture_on_commit_callbacks
):
    link = _declare_and_get_link(client, service, mailoutbox, django_capture_on_commit_callbacks)

    declaration = UsageDeclaration.objects.get()
    assert declaration.status == UsageDeclaration.Status.AWAITING_EMAIL
    assert declaration.commune_id == "38185" and str(declaration.since) == "2022-03-01"
    assert mailoutbox[0].to == ["agent.numerique@grenoble.fr"]
    assert mailoutbox[0].subject == "Confirmez votre déclaration sur Réserv'salles"
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in declaration.token_hash
    sent = client.get(f"/services/{service.slug}/utilisation/envoyee/")
    assert "Confirmez votre adresse pour envoyer la déclaration" in sent.content.decode()


def test_opening_the_link_asks_for_a_click_and_the_click_sends_it_to_staff(
    client, service, mailoutbox, django_capture_on_commit_callbacks
):
    link = _declare_and_get_link(client, service, mailoutbox, django_capture_on_commit_callbacks)

    opened = client.get(link)
    status_after_get = UsageDeclaration.objects.get().status
    confirmed = client.post(link)

    assert "Je confirme cette déclaration" in opened.content.decode()
    assert status_after_get == UsageDeclaration.Status.AWAITING_EMAIL
    assert "Merci, votre déclaration est confirmée" in confirmed.content.decode()
    assert UsageDeclaration.objects.get().status == UsageDeclaration.Status.TO_REVIEW
    assert not Deployment.objects.public().exists()


def test_staff_accept_in_the_admin_and_the_usage_appears_without_the_agents_address(
    client, admin_client, service, mailoutbox, django_capture_on_commit_callbacks
):
    link = _declare_and_get_link(
        client, service, mailoutbox, django_capture_on_commit_callbacks, contact="https://www.grenoble.fr/numerique"
    )
    client.post(link)
    declaration = UsageDeclaration.objects.get()

    admin_page = admin_client.get("/admin/catalogue/usagedeclaration/").content.decode()
    response = admin_client.post(
        "/admin/catalogue/usagedeclaration/", {"action": "accept", "_selected_action": [declaration.pk]}, follow=True
    )
    page = client.get(f"/services/{service.slug}/", {"commune": "Échirolles"}).content.decode()

    assert "agent.numerique@grenoble.fr" in admin_page
    assert "1 déclaration(s) acceptée(s) et publiée(s)" in response.content.decode()
    assert Deployment.objects.get().state == UsageState.PUBLISHED
    assert "Dans votre intercommunalité (Grenoble-Alpes-Métropole)" in page
    assert "Grenoble" in page and "Salles municipales" in page and "depuis mars 2022" in page
    assert 'href="https://www.grenoble.fr/numerique"' in page
    assert "agent.numerique@grenoble.fr" not in page
    assert "agent.numerique" not in client.get(f"/api/services/{service.slug}/").content.decode()


def test_a_personal_mailbox_is_refused_in_french(client, service):
    response = _post(client, service, email="jean.dupont@gmail.com")

    assert response.status_code == 400
    assert "pas une messagerie personnelle" in response.content.decode()
    assert "<title>Erreur – " in response.content.decode()
    assert not UsageDeclaration.objects.exists()


def test_stopping_needs_a_reason(client, service):
    response = _post(client, service, kind="stopped", stop_reason="")

    assert response.status_code == 400
    assert "Dites en quelques mots pourquoi vous l&#x27;avez arrêté." in response.content.decode()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"commune": ""}, "Indiquez la collectivité qui utilise le service"),
        ({"commune": "zzzzz"}, "Aucune commune ne correspond à « zzzzz »"),
        ({"epci": "200040715"}, "Indiquez une seule collectivité."),
        ({"since": "13/2022"}, "Indiquez un mois passé au format MM/AAAA"),
        ({"since": "01/2999"}, "Indiquez un mois passé au format MM/AAAA"),
    ],
)
def test_bad_inputs_give_a_french_message_and_save_nothing(client, service, values, message):
    response = _post(client, service, **values)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UsageDeclaration.objects.exists()


def test_an_epci_declares_by_its_siren(client, service, mailoutbox, django_capture_on_commit_callbacks):
    _declare_and_get_link(
        client, service, mailoutbox, django_capture_on_commit_callbacks, commune="", epci="200040715"
    )

    assert UsageDeclaration.objects.get().epci_id == "200040715"


def test_declarations_are_rate_limited_like_the_ansm_form(client, service, settings):
    settings.ANSM_POSTS_PER_HOUR = 2

    responses = [_post(client, service, email=f"agent{n}@grenoble.fr") for n in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "ce dernier envoi n’a pas été enregistré" in responses[2].content.decode()
    assert UsageDeclaration.objects.count() == 2


def test_an_unknown_link_is_a_404(client):
    assert client.get("/utilisation/confirmer/inconnu/").status_code == 404


def test_a_robot_filling_the_honeypot_saves_nothing(client, service):
    response = _post(client, service, website="http://spam.example")

    assert response.status_code == 302
    assert not UsageDeclaration.objects.exists()
