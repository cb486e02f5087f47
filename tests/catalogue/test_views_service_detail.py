import pytest

from catalogue.models import Service, UsageState
from tests.catalogue.factories import DeploymentFactory, ServiceFactory


@pytest.mark.usefixtures("demo")
def test_every_real_service_page_answers_and_shows_its_data(client):
    for service in Service.objects.all():
        response = client.get(f"/services/{service.slug}/")

        html = response.content.decode()
        assert response.status_code == 200, service.slug
        assert f"<h1>{service.name}</h1>".replace("'", "&#x27;") in html
        if service.repository:
            assert f'href="{service.repository}"' in html


@pytest.mark.usefixtures("demo")
def test_service_page_says_who_uses_it_and_its_sources(client):
    html = client.get("/services/espace-sur-demande/").content.decode()

    assert "Isère (38)" in html
    assert "Département de l&#x27;Isère" in html
    assert "Page de horizonspublics.fr" in html
    assert "Demander un accompagnement" in html


@pytest.mark.usefixtures("demo")
def test_service_page_answers_in_the_order_a_commune_asks(client):
    html = client.get("/services/rdv-service-public/").content.decode()

    headings = [
        "Ce qu’il résout, et pour qui",
        "Ce qu’il coûte",
        "Comment une commune l’obtient",
        "Qui l’utilise",
        "Son code",
        "Sa maturité, et qui le porte",
        "Sources",
    ]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "<strong>AGPL-3.0-only</strong> (GNU Affero General Public License v3.0 only)" in html
    assert "Les sources ne disent pas si le service est gratuit ou payant." in html
    assert "non renseigné" not in html


@pytest.mark.usefixtures("demo")
def test_sources_are_readable_links_with_their_version_and_date(client):
    html = client.get("/services/messages/").content.decode()

    assert "Informations relevées le 1er décembre 2026" in html
    assert (
        '<a href="https://github.com/betagouv/beta.gouv.fr/blob/693fb7c4d86300526fdf743fd43a586d71adb242/content/'
        '_startups/messages.md" rel="noopener">Fiche beta.gouv.fr de « messages »</a> (version 693fb7c)'
    ) in html
    assert "betagouv/beta.gouv.fr@" not in html


@pytest.mark.usefixtures("demo")
def test_a_stopped_service_is_marked_and_offers_no_adoption_nor_request(client):
    html = client.get("/services/comobi/").content.decode()

    assert "Ce service est arrêté" in html
    assert "?service=comobi" not in html  # no request for it
    assert "Comment une commune l’obtient" not in html


@pytest.mark.usefixtures("demo")
def test_the_licence_says_what_is_known_of_it(client):
    unverified = client.get("/services/agents-en-intervention/").content.decode()
    none = client.get("/services/poubelles-battle/").content.decode()
    no_repository = client.get("/services/multicanal/").content.decode()

    assert "Licence non vérifiée : le dépôt n’a pas pu être lu." in unverified
    assert "Aucune licence dans son dépôt : sans licence, le code publié ne peut pas être réutilisé." in none
    assert "Aucun dépôt de code public n’est connu." in no_repository
    assert "Pas de fiche publiccode.yml, faute de dépôt connu." in no_repository
    assert (
        "Pas encore de fiche publiccode.yml (le format standard de description des logiciels publics) : "
        "sa licence n&#x27;a pas été vérifiée dans le dépôt, entre autres." in unverified
    )


@pytest.mark.usefixtures("territories")
def test_users_nearest_the_visitors_commune_come_first(client):
    service = ServiceFactory()
    # Grenoble (38185) and Échirolles (38151) are both in Grenoble-Alpes Métropole.
    DeploymentFactory(service=service, commune_id="38151", departement_id="38", other_body="")
    DeploymentFactory(service=service, departement_id="38", other_body="Département de l'Isère")
    DeploymentFactory(service=service, departement_id="73", other_body="Département de la Savoie")
    DeploymentFactory(service=service, departement_id="26", other_body="Département de la Drôme")
    DeploymentFactory(service=service, departement_id="15", other_body="Département du Cantal")
    DeploymentFactory(service=service, departement_id="29", other_body="Département du Finistère")

    default = client.get(f"/services/{service.slug}/").context["usage"]
    response = client.get(f"/services/{service.slug}/", {"commune": "Grenoble"})
    by_postal_code = client.get(f"/services/{service.slug}/", {"commune": "38000"})

    near = response.context["usage"]
    assert [group.title for group in default] == [
        "Cantal (15)",
        "Drôme (26)",
        "Finistère (29)",
        "Isère (38)",
        "Savoie (73)",
    ]
    assert [(group.title, [d.user_name for d in group.deployments]) for group in near] == [
        ("Dans votre intercommunalité (Grenoble-Alpes-Métropole)", ["Échirolles"]),
        ("Dans votre département (Isère (38))", ["Département de l'Isère"]),
        ("Dans les départements voisins", ["Département de la Drôme", "Département de la Savoie"]),
        ("Dans votre région", ["Département du Cantal"]),
        ("Ailleurs", ["Département du Finistère"]),
    ]
    assert "Classement depuis Grenoble (Isère)" in response.content.decode()
    assert by_postal_code.context["visitor_commune"].nom == "Grenoble"


@pytest.mark.usefixtures("territories")
def test_only_verified_usages_are_shown_and_overdue_ones_say_a_confirmer(client):
    service = ServiceFactory()
    DeploymentFactory(service=service, other_body="Mairie vérifiée", use_case="Réservation des salles")
    DeploymentFactory(service=service, other_body="Mairie à relancer", state=UsageState.TO_CONFIRM)
    DeploymentFactory(service=service, other_body="Mairie non vérifiée", state=UsageState.PENDING)
    DeploymentFactory(service=service, other_body="Mairie masquée", state=UsageState.HIDDEN)
    DeploymentFactory(service=service, other_body="Mairie refusée", state=UsageState.REJECTED)

    html = client.get(f"/services/{service.slug}/").content.decode()

    assert "Mairie vérifiée" in html and "Réservation des salles" in html
    assert "Mairie à relancer" in html and "à confirmer" in html
    for absent in ("Mairie non vérifiée", "Mairie masquée", "Mairie refusée"):
        assert absent not in html
    assert "Votre collectivité l’utilise ?" in html
    assert f'href="/services/{service.slug}/utilisation/"' in html


@pytest.mark.usefixtures("territories")
def test_a_commune_that_does_not_exist_is_said_so(client):
    service = ServiceFactory()

    html = client.get(f"/services/{service.slug}/", {"commune": "zzzzz"}).content.decode()

    assert "Aucune commune ne correspond à « zzzzz »" in html


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("commune", ["zzzzz", "' OR 1=1", "x" * 5000, "", "%"])
def test_unknown_visitor_commune_is_ignored(client, commune):
    service = ServiceFactory()

    response = client.get(f"/services/{service.slug}/", {"commune": commune})

    assert response.status_code == 200
    assert response.context["visitor_commune"] is None


@pytest.mark.usefixtures("territories")
def test_a_nul_in_the_visitor_commune_is_a_bad_request_in_french(client):
    service = ServiceFactory()

    response = client.get(f"/services/{service.slug}/", {"commune": "Condat\x00"})

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


@pytest.mark.usefixtures("territories")
def test_unpublished_and_unknown_services_are_not_found(client):
    ServiceFactory(slug="cache", is_published=False)

    assert client.get("/services/cache/").status_code == 404
    assert client.get("/services/inconnu/").status_code == 404
    assert client.get("/services/cache/publiccode.yml").status_code == 404


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("count", [5, 200])
def test_service_page_query_count_does_not_grow_with_its_users(client, django_assert_num_queries, count):
    service = ServiceFactory()
    for number in range(count):
        DeploymentFactory(service=service, other_body=f"Organisme {number}")

    # visitor commune, service, themes, enjeux, deployments
    with django_assert_num_queries(6):  # 5 + the page cache generation
        response = client.get(f"/services/{service.slug}/", {"commune": "Grenoble"})

    assert len(response.context["usage"][0].deployments) == count
