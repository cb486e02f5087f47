"""The diagnostic in a real browser: the requester reads it on her follow-up page and says a recommended service
is deployed; staff verify the usage in the admin, and the service page then shows the commune among its users."""

import pytest

from accompagnement.demo import TOKEN, load_example_diagnostic
from catalogue.models import Service
from tests.browser.audit import axe_violations
from tests.browser.staff import sign_in

pytestmark = pytest.mark.usefixtures("demo_data")


def test_the_requester_declares_a_recommended_service_deployed_and_staff_verify_it(page, live_server, admin_user):
    load_example_diagnostic()
    grist = Service.objects.get(slug="grist").name

    page.goto(f"/accompagnement/suivi/{TOKEN}/")
    diagnostic = page.locator("main")
    assert page.get_by_role("heading", name="Votre diagnostic", level=2).is_visible()
    needs = page.locator("main h4").all_inner_texts()
    assert needs[0] == "Partager les tableaux de suivi avec les élus"  # priorité haute first
    assert diagnostic.get_by_role("link", name=grist, exact=True).get_attribute("href") == "/services/grist/"
    assert axe_violations(page) == []

    answer = page.get_by_role("group", name=f"« {grist} » : votre réponse")
    answer.get_by_text("nous l'avons déployé").click()
    form = page.locator("form", has=answer)
    form.get_by_label("Déployé depuis (facultatif)").fill("02/2026")
    form.get_by_label("À quoi il vous sert").fill("Suivi des travaux partagé avec les élus")
    form.get_by_role("button", name=f"Enregistrer ma réponse pour {grist}").click()
    assert f"« {grist} » est noté comme déployé" in page.locator("main").inner_text()
    assert "L’équipe vérifie cette utilisation" in page.locator("li[id^=recommandation-]", has_text=grist).inner_text()
    assert axe_violations(page) == []

    page.goto("/services/grist/")
    assert "Désaignes" not in page.locator("main").inner_text()  # not before staff verify it

    sign_in(page, live_server, admin_user, "password")
    page.goto("/admin/catalogue/deployment/?origin__exact=ansm&state__exact=pending")
    row = page.locator("#result_list tbody tr", has_text=grist)
    row.locator("input[type=checkbox]").check()
    page.locator("select[name=action]").select_option("verify")
    page.get_by_role("button", name="Exécuter").click()
    assert "1 utilisation(s) publiée(s)" in page.locator(".messagelist").inner_text()

    page.goto("/services/grist/")
    users = page.locator("main").inner_text()
    assert "Désaignes" in users and "Suivi des travaux partagé avec les élus" in users
