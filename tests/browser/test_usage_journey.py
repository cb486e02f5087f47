"""A commune's journey in a real browser: from a service page to the users nearest to it, and an agent's
declaration with its double opt-in, verified by staff, then shown to the next commune."""

import re

import pytest

from catalogue import usage_workflow
from catalogue.models import Service, UsageDeclaration
from tests.browser.audit import axe_violations
from tests.catalogue.factories import DeploymentFactory

CONFIRM = re.compile(r"/utilisation/confirmer/[\w-]+/")

pytestmark = pytest.mark.usefixtures("demo_data")


def test_a_commune_finds_the_nearest_users_of_a_service(page):
    service = Service.objects.get(slug="espace-sur-demande")
    DeploymentFactory(service=service, commune_id="38185", departement_id="38", other_body="", use_case="Salles")
    DeploymentFactory(service=service, departement_id="29", other_body="Département du Finistère")

    page.goto(f"/services/{service.slug}/")
    page.get_by_label("Votre commune").fill("Échirolles")
    page.get_by_role("button", name="Voir les plus proches").click()
    page.wait_for_url("**commune=*")

    headings = page.locator("main h3").all_inner_texts()
    assert headings.index("Dans votre intercommunalité (Grenoble-Alpes-Métropole)") < headings.index("Ailleurs")
    assert "Grenoble (38) — en service" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_an_agent_declares_a_usage_confirms_it_by_mail_and_it_appears_once_verified(page, mailoutbox, admin_user):
    service = Service.objects.get(slug="espace-sur-demande")

    page.goto(f"/services/{service.slug}/")
    page.get_by_role("link", name="Déclarer une utilisation ou un arrêt").click()
    page.get_by_role("combobox", name="Commune").fill("38151")
    page.get_by_label("Depuis (facultatif)").fill("09/2023")
    page.get_by_label("À quoi il vous sert").fill("Prêt des salles aux associations")
    page.get_by_label("Votre adresse électronique professionnelle").fill("numerique@ville-echirolles.fr")
    page.get_by_role("button", name="Envoyer la déclaration").click()
    assert page.locator("h1").inner_text() == "Confirmez votre adresse pour envoyer la déclaration"
    assert axe_violations(page) == []

    page.goto(CONFIRM.search(mailoutbox[0].body).group())
    page.get_by_role("button", name="Je confirme cette déclaration").click()
    assert page.locator("h1").inner_text() == "Merci, votre déclaration est confirmée"
    usage_workflow.accept_declaration(UsageDeclaration.objects.get().pk, by=admin_user)

    page.goto(f"/services/{service.slug}/?commune=Grenoble")
    main = page.locator("main").inner_text()
    assert "Échirolles (38) — en service depuis septembre 2023" in main
    assert "Prêt des salles aux associations" in main
    assert "numerique@ville-echirolles.fr" not in page.content()
