"""The ANSM request as the secrétaire de mairie of Condat (Cantal) makes it, with and without JavaScript,
on a desktop screen and on a phone."""

import re

import pytest

from accompagnement.models import DiagnosticRequest, Event, Status
from tests.accompagnement.factories import saved_request
from tests.browser.test_journeys import fill_requester

pytestmark = pytest.mark.usefixtures("demo_data")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def choose_theme(page) -> None:
    page.get_by_role("checkbox", name=re.compile("Administration de la mairie")).check(force=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_a_postal_code_lists_every_commune_it_covers_with_its_departement(page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/accompagnement/demande/")

    page.get_by_role("combobox", name="Commune").fill("48000")

    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert len(texts) == 12
    assert "Pelouse — 48000 — Lozère (48), 231 hab." in texts
    options.filter(has_text=re.compile("^Le Born")).click()
    assert page.get_by_role("combobox", name="Commune").input_value() == "Le Born (48029)"


def test_condat_s_postal_code_typed_with_the_keyboard_offers_condat_not_saint_hippolyte(page):
    page.goto("/accompagnement/demande/")
    field = page.get_by_role("combobox", name="Commune")
    field.focus()
    page.keyboard.type("15190", delay=40)

    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    options.first.wait_for()

    texts = options.all_inner_texts()
    assert texts[-1].startswith("Saint-Hippolyte — 15400 — Cantal (15)")
    assert any(text.startswith("Condat — 15190 — Cantal (15)") for text in texts)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_without_javascript_a_shared_postal_code_offers_a_choice_and_files_the_right_commune(no_js_page, viewport):
    page = no_js_page
    page.set_viewport_size(viewport)
    page.goto("/accompagnement/demande/")
    page.get_by_role("textbox", name="Commune").fill("15190")
    fill_requester(page)
    choose_theme(page)
    page.get_by_role("button", name="Envoyer ma demande").click()

    choice = page.get_by_role("group", name="Laquelle est votre commune ?")
    assert choice.get_by_role("radio").count() == 10
    choice.get_by_role("radio", name=re.compile(r"^Condat — Cantal \(15\)")).check(force=True)
    page.get_by_label("J'accepte que ces informations").check(force=True)
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.locator("h1").inner_text() == "Votre demande a bien été envoyée"
    assert DiagnosticRequest.objects.get().commune_id == "15054"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_withdrawing_is_confirmed_first_and_can_be_undone(page, viewport):
    request, token = saved_request()
    request.events.create(kind=Event.Kind.STATUS, new_status=Status.NEW)
    page.set_viewport_size(viewport)
    page.goto(f"/accompagnement/suivi/{token}/")

    page.get_by_role("button", name="Retirer ma demande").click()
    assert "Voulez-vous vraiment retirer la demande" in page.locator("main").inner_text()
    request.refresh_from_db()
    assert request.status == Status.NEW  # nothing happened yet
    page.get_by_role("button", name="Oui, retirer la demande").click()

    assert "Votre demande a été retirée" in page.locator("main").inner_text()
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    page.get_by_role("button", name="Annuler le retrait").click()

    assert "Le retrait est annulé" in page.locator("main").inner_text()
    request.refresh_from_db()
    assert request.status == Status.NEW


@pytest.mark.parametrize(("viewport", "most"), [(DESKTOP, 3_000), (PHONE, 4_800)], ids=["1280px", "375px"])
def test_the_form_starts_with_her_need_and_is_short(page, viewport, most):
    page.set_viewport_size(viewport)
    page.goto("/accompagnement/demande/")

    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"form height at {viewport['width']} px: {height} px")
    assert height < most
    first_field = page.locator("main form").locator("textarea, input:not([type=hidden]), select").first
    assert first_field.get_attribute("name") == "needs"
    assert page.get_by_role("checkbox", name=re.compile("Grist")).is_hidden()  # the services stay folded
    assert "vous répond sous 5 jours ouvrés" in page.locator("main").inner_text()
    page.get_by_text("Ajouter des services du catalogue").click()
    assert page.get_by_role("checkbox", name=re.compile("Grist")).is_visible()


FOLLOW_UP = re.compile(r"/accompagnement/suivi/[\w-]+/")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_a_lost_link_is_found_again_and_the_maire_is_invited(page, viewport, mailoutbox):
    request, _ = saved_request(commune_id="15054", population=933)  # Condat, Cantal
    request.events.create(kind=Event.Kind.STATUS, new_status=Status.NEW)
    page.set_viewport_size(viewport)
    page.goto("/accompagnement/")
    page.locator("main").get_by_role("link", name="Retrouver mon lien de suivi").click()
    page.get_by_label("Adresse électronique").fill("secretariat@mairie-exemple.fr")
    page.get_by_role("button", name="Recevoir mon lien").click()

    assert "un courriel contenant son lien de suivi vient d'y être envoyé" in page.locator("main").inner_text()
    assert mailoutbox[-1].to == ["secretariat@mairie-exemple.fr"]
    page.goto(FOLLOW_UP.search(mailoutbox[-1].body).group())
    main = page.locator("main").inner_text()
    assert "Condat (Cantal, 15)" in main and "Ce que vous avez envoyé" in main
    page.get_by_label("Adresse électronique de votre collègue").fill("maire@condat.fr")
    page.get_by_role("button", name="Envoyer l’invitation").click()

    assert (
        "Une invitation à suivre la demande vient d'être envoyée à maire@condat.fr"
        in page.locator("main").inner_text()
    )
    invitation = mailoutbox[-1]
    assert invitation.to == ["maire@condat.fr"] and "Condat (Cantal, 15)" in invitation.body
    page.goto(FOLLOW_UP.search(invitation.body).group())
    assert "Suivi de la demande" in page.locator("h1").inner_text()
