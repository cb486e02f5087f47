"""What people do on the portal, in a real browser: a secrétaire de mairie asking for an ANSM diagnostic,
a commune that is too large, a form with mistakes, a staff member moving a request on."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from accompagnement.models import DiagnosticRequest, Status
from catalogue.models import Service
from tests.accompagnement.factories import saved_request
from tests.browser.staff import sign_in

FOLLOW_UP = re.compile(r"/accompagnement/suivi/[\w-]+/")

pytestmark = pytest.mark.usefixtures("demo_data")


def pick_with_keyboard(page, label: str, typed: str, expected: str) -> None:
    """Type in an autocomplete field, go down to the suggestion with the arrow keys and take it with Enter."""
    field = page.get_by_role("combobox", name=label)
    field.focus()
    page.keyboard.type(typed, delay=40)
    option = page.get_by_role("option", name=re.compile(expected))
    option.wait_for()
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    assert field.get_attribute("aria-activedescendant") == option.get_attribute("id")
    page.keyboard.press("Enter")
    assert page.get_by_role("listbox").is_hidden()


def fill_requester(page) -> None:
    page.get_by_label("Prénom").fill("Marie")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Durand")
    page.get_by_label("Fonction").select_option("secretaire")
    page.get_by_label("Adresse électronique").fill("secretariat@mairie-exemple.fr")
    page.get_by_label("Votre besoin, avec vos mots").fill(
        "Nous voulons réserver la salle des fêtes en ligne et partager l'agenda."
    )
    page.get_by_label("J'accepte que ces informations").check(force=True)  # the DSFR draws its own box


def test_a_secretaire_de_mairie_finds_a_service_and_asks_for_a_diagnostic(page, mailoutbox):
    service = Service.objects.get(slug="espace-sur-demande")

    page.goto("/services/")
    page.get_by_role("searchbox").fill("réserver une salle")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/?q=*")
    page.locator("main").get_by_role("link", name=service.name).first.click()
    assert page.locator("h1").inner_text() == service.name

    page.locator("main").get_by_role("link", name="Demander un accompagnement").click()
    page.wait_for_url(f"**/accompagnement/demande/?service={service.slug}")
    assert page.get_by_label(service.name).is_checked()  # the service she came from is already chosen

    pick_with_keyboard(page, "Commune", "Lalouv", "Lalouvesc")
    assert page.get_by_role("combobox", name="Commune").input_value() == "Lalouvesc (07128)"
    fill_requester(page)
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.locator("h1").inner_text() == "Votre demande a bien été envoyée"
    request = DiagnosticRequest.objects.get()
    assert request.commune_id == "07128" and request.services.get() == service
    assert request.reference in page.locator("main").inner_text()

    assert mailoutbox[0].to == ["secretariat@mairie-exemple.fr"]
    link = FOLLOW_UP.search(mailoutbox[0].body).group()
    page.goto(link)
    assert "Lalouvesc" in page.locator("main").inner_text()
    assert "Nouvelle" in page.locator("main").inner_text()


def test_a_commune_too_large_is_told_why(page):
    page.goto("/accompagnement/demande/")
    pick_with_keyboard(page, "Commune", "Annecy", "Annecy")
    fill_requester(page)
    page.get_by_role("checkbox", name=re.compile("^Données, cartes et adresses")).check(force=True)
    page.get_by_role("button", name="Envoyer ma demande").click()

    error = page.locator("#id_commune-error, [id^='id_commune'][id$='error'], .fr-error-text").first
    assert error.inner_text().replace("\u202f", " ") == (
        "Annecy compte 132 117 habitants : l'accompagnement est réservé aux communes de moins de 3 500 habitants."
    )
    assert page.get_by_role("combobox", name="Commune").get_attribute("aria-invalid") == "true"
    assert DiagnosticRequest.objects.count() == 0


def test_a_form_with_mistakes_takes_the_reader_to_the_error_summary(page):
    page.goto("/accompagnement/demande/")
    page.get_by_label("Adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.title().startswith("Erreur – ")
    summary = page.locator("#resume-erreurs")
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    assert "Adresse électronique" in summary.inner_text()
    # Each error in the summary leads to its field.
    summary.get_by_role("link", name=re.compile("Adresse électronique")).click()
    assert page.evaluate("document.activeElement.name") == "email"
    assert page.get_by_label("Adresse électronique").input_value() == "pas-une-adresse"  # nothing typed is lost


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_staff_assign_and_move_a_request_and_the_requester_sees_it(page, browser, live_server):
    request, token = saved_request()
    staff = get_user_model().objects.create_superuser("camille", "camille@anct.gouv.fr", "un-mot-de-passe-long-42")
    sign_in(page, live_server, staff, "un-mot-de-passe-long-42")

    page.goto("/admin/accompagnement/diagnosticrequest/")
    page.locator("#changelist-filter").get_by_role("link", name="nouvelle", exact=True).click()
    page.wait_for_url("**status__exact=nouvelle*")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("assign_to_me")
    page.locator("button[name=index]").click()
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("move_to_qualification")
    page.locator("button[name=index]").click()
    assert "1 demandeur recevra un courriel" in page.locator("#content").inner_text()
    page.get_by_role("button", name="Oui, changer le statut et envoyer 1 courriel").click()
    assert "1 demande(s) passée(s) au statut « en qualification »" in page.locator(".messagelist").inner_text()

    request.refresh_from_db()
    assert (request.status, request.assignee) == (Status.QUALIFYING, staff)
    requester = browser.new_context(base_url=live_server.url)
    follow_up = requester.new_page()
    follow_up.goto(f"/accompagnement/suivi/{token}/")
    assert "En qualification" in follow_up.locator("main").inner_text()
    requester.close()


def test_a_commune_searches_from_the_home_page_and_the_sort_applies_as_soon_as_it_changes(page):
    page.goto("/")
    page.get_by_label("Rechercher un service pour votre commune").fill("salle des fêtes")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/?q=*")
    assert "Espace sur Demande" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Trier").is_hidden()  # the script applies the sort itself

    page.get_by_label("Trier par").select_option("nom")

    page.wait_for_url("**sort=nom**")
    assert page.get_by_label("Trier par").input_value() == "nom"


def test_a_need_no_service_covers_goes_to_the_request_form_with_the_words_typed(page):
    page.goto("/services/?q=cimeti%C3%A8re")
    assert "Aucun service ne correspond à « cimetière »" in page.locator("main").inner_text()

    page.locator("main").get_by_role("link", name="Décrire votre besoin").click()

    page.wait_for_url("**/accompagnement/demande/?besoin=*")
    assert page.get_by_label("Votre besoin, avec vos mots").input_value() == "cimetière"
