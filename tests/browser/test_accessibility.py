"""axe-core finds no WCAG 2.1 A/AA violation on any public page, normal or with form errors."""

from django.test import override_settings

from catalogue.models import Service
from consultation.models import Contribution, Enjeu
from tests.accompagnement.factories import saved_request
from tests.browser.audit import focus_is_visible, page_problems


def _follow_up_path() -> str:
    return f"/accompagnement/suivi/{saved_request()[1]}/"


def _public_pages() -> dict[str, str]:
    service = Service.objects.published().order_by("name").first()
    contribution = Contribution.objects.visible().filter(comments__isnull=False).first()
    return {
        "accueil": "/",
        "accessibilité": "/accessibilite/",
        "mentions légales": "/mentions-legales/",
        "données personnelles": "/donnees-personnelles/",
        "plan du site": "/plan-du-site/",
        "catalogue": "/services/",
        "catalogue, recherche et filtres": "/services/?q=salle&code=open",
        "catalogue, aucun résultat": "/services/?q=zzzzqqq",
        "fiche service": service.get_absolute_url(),
        "fiche d'un service arrêté": "/services/comobi/",
        "consultation": "/consultation/",
        "enjeu": f"/consultation/enjeux/{Enjeu.objects.order_by('number').first().slug}/",
        "contributions": "/consultation/contributions/?q=numérique",
        "contribution et commentaires": f"/consultation/contributions/{contribution.pk}/",
        "investigations PNI": "/consultation/investigations/",
        "accompagnement": "/accompagnement/",
        "accompagnement, éligibilité": "/accompagnement/?territoire=Lalouvesc",
        "accompagnement, non éligible": "/accompagnement/?territoire=Annecy",
        "formulaire de demande": "/accompagnement/demande/",
        "page de suivi": _follow_up_path(),
        "documentation de l'API": "/api/docs/",
        "page introuvable": "/services/ce-service-n-existe-pas/",
    }


def test_every_public_page_passes_axe_and_the_basics(page, demo_data):
    problems, titles = {}, {}
    for name, path in _public_pages().items():
        response = page.goto(path)
        assert response.status == (404 if name == "page introuvable" else 200), path
        if path == "/api/docs/":
            page.locator("#redoc h2").first.wait_for()  # the documentation drawn by Redoc is audited too
        if found := page_problems(page):
            problems[f"{name} ({path})"] = found
        titles.setdefault(page.title(), []).append(name)

    assert problems == {}
    assert {title: names for title, names in titles.items() if len(names) > 1} == {}, "titles must be unique"


def test_forms_with_errors_pass_axe(page, demo_data):
    problems = {}

    page.goto("/accompagnement/demande/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/accompagnement/demande/")
    assert page.title().startswith("Erreur – ")
    problems["formulaire de demande"] = page_problems(page)

    page.get_by_role("combobox", name="Commune").fill("15190")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("group", name="Laquelle est votre commune ?").wait_for()
    problems["formulaire, choix de la commune"] = page_problems(page)

    page.goto("/accompagnement/?territoire=x")
    problems["éligibilité"] = page_problems(page)

    page.goto(_follow_up_path())
    page.get_by_role("button", name="Envoyer le message").click()
    problems["message de suivi"] = page_problems(page)
    page.get_by_role("button", name="Retirer ma demande").click()
    problems["confirmation du retrait"] = page_problems(page)

    assert {name: found for name, found in problems.items() if found} == {}


@override_settings(ANSM_POSTS_PER_HOUR=100)
def test_every_control_shows_where_the_keyboard_focus_is(page, demo_data):
    page.goto("/accompagnement/demande/")
    hidden_focus = []
    for _ in range(40):
        page.keyboard.press("Tab")
        if not focus_is_visible(page):
            hidden_focus.append(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))

    assert hidden_focus == []
