import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from catalogue.models import Service

SHELL_PAGES = {
    "/": "Accueil — Incubateur des territoires",
    "/accessibilite/": "Déclaration d’accessibilité — Incubateur des territoires",
    "/mentions-legales/": "Mentions légales — Incubateur des territoires",
    "/donnees-personnelles/": "Données personnelles — Incubateur des territoires",
    "/plan-du-site/": "Plan du site — Incubateur des territoires",
    "/services/": "Catalogue des services — Incubateur des territoires",
    "/accompagnement/": "Accompagnement numérique sur-mesure — Incubateur des territoires",
    "/consultation/": "Consultation nationale de 2021 — Incubateur des territoires",
    "/api/docs/": "Documentation de l’API — Incubateur des territoires",
    "/consultation/contributions/": "Contributions de la consultation — Incubateur des territoires",
    "/consultation/investigations/": "Investigations du PNI — Incubateur des territoires",
    "/accompagnement/demande/": "Demander un accompagnement — Incubateur des territoires",
}


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "title"), SHELL_PAGES.items())
def test_every_shell_page_has_its_own_title_and_one_h1(client, path, title):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html) == title
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<html lang="fr"' in html


@pytest.mark.django_db
def test_titles_are_unique_across_the_site(client):
    titles = [title_of(client.get(path).content.decode()) for path in SHELL_PAGES]

    assert len(set(titles)) == len(titles)


@pytest.mark.django_db
def test_header_and_footer_carry_the_state_identity_and_menu(client):
    html = client.get("/").content.decode()

    assert 'class="fr-header"' in html
    assert "République<br>Française" in html
    assert "Agence nationale de la cohésion des territoires (ANCT)" in html
    for label, path in [
        ("Services", "/services/"),
        ("Accompagnement", "/accompagnement/"),
        ("Consultation", "/consultation/"),
        ("API", "/api/docs/"),
    ]:
        assert f'href="{path}"' in html and f">{label}</a>" in html
    for link in ["info.gouv.fr", "service-public.gouv.fr", "legifrance.gouv.fr", "data.gouv.fr"]:
        assert link in html
    for path in ["/plan-du-site/", "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/"]:
        assert f'href="{path}"' in html
    assert "licence etalab-2.0" in html
    assert 'id="fr-theme-modal"' in html


@pytest.mark.django_db
def test_skip_links_point_to_existing_targets(client):
    html = client.get("/").content.decode()

    for target in re.findall(r'<ul class="fr-skiplinks__list">(.*?)</ul>', html, re.S)[0].split('href="#')[1:]:
        anchor = target.split('"')[0]
        assert f'id="{anchor}"' in html


@pytest.mark.django_db
def test_current_section_is_marked_in_the_menu(client):
    html = client.get("/services/").content.decode()

    assert re.search(r'href="/services/" aria-current="page">Services', html)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*SHELL_PAGES, "/page-inexistante/"])
def test_pages_have_no_inline_script_style_or_event_handler(client, path):
    html = client.get(path).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"<style", html), "<style> element"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
    assert "[url - à modifier]" not in html and 'href="#"' not in html


@pytest.mark.django_db
def test_api_docs_are_served_from_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()

    assert '<div id="redoc" data-spec-url="/api/schema/"' in html
    assert 'src="/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"' in html
    assert "cdn" not in html.lower() and "googleapis" not in html


@pytest.mark.django_db
def test_api_schema_and_root_answer(client):
    schema = client.get("/api/schema/")
    root = client.get("/api/", HTTP_ACCEPT="application/json")

    assert schema.status_code == 200
    assert b"/api/territoires/communes/" in schema.content
    assert root.json()["territoires/communes"].endswith("/api/territoires/communes/")


@pytest.mark.django_db
def test_strict_content_security_policy_without_nonce(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy


@pytest.mark.django_db
def test_home_figures_are_counted_from_the_database(client):
    Service.objects.create(name="Service A", slug="service-a", summary="Résumé", code_status="open")
    Service.objects.create(name="Service B", slug="service-b", summary="Résumé", code_status="unknown")
    Service.objects.create(name="Retiré", slug="retire", summary="Résumé", is_published=False)

    response = client.get("/")

    assert response.context["services_count"] == 2
    assert response.context["open_services_count"] == 1
    html = response.content.decode()
    assert re.search(r'portail-figure fr-mb-0">2</p>\s*<p>services au catalogue', html)
    assert re.search(r'portail-figure fr-mb-0">1</p>\s*<p>services au code ouvert', html)


@pytest.mark.django_db
def test_unknown_page_is_a_french_404_in_the_site_look(client):
    response = client.get("/page-inexistante/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in html
    assert 'class="fr-header"' in html
    assert title_of(html) == "Page non trouvée — Incubateur des territoires"


def test_server_error_page_is_french(rf):
    from incubateur.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


@pytest.mark.django_db
def test_unpublished_service_page_is_not_found(client):
    Service.objects.create(name="Retiré", slug="retire", summary="Résumé", is_published=False)

    assert client.get(reverse("catalogue:service_detail", kwargs={"slug": "retire"})).status_code == 404


@pytest.mark.django_db
def test_a_form_posted_without_its_security_token_gets_a_french_403():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accompagnement/demande/", {"commune": "07128"})

    assert response.status_code == 403
    assert "La page a expiré" in response.content.decode()


def test_the_browsers_favicon_request_finds_the_dsfr_icon(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (301, "/static/dsfr/dist/favicon/favicon.ico")
    assert finders.find("dsfr/dist/favicon/favicon.ico")


@pytest.mark.django_db
def test_the_api_root_docs_and_schema_lead_to_the_public_figures(client):
    root = client.get("/api/", HTTP_ACCEPT="application/json").json()
    docs = client.get("/api/docs/").content.decode()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert root["chiffres"] == "http://testserver/chiffres/"
    assert 'href="/chiffres/"' in docs
    assert "[Chiffres](/chiffres/)" in schema["info"]["description"]
