import re

import pytest

from catalogue.models import Service
from tests.catalogue.factories import DeploymentFactory, PorteurFactory, ServiceFactory, ThematiqueFactory


def slugs(response):
    return [service.slug for service in response.context["services"]]


@pytest.mark.usefixtures("demo")
class TestWithRealCatalogue:
    def test_catalogue_lists_every_published_service_with_its_count(self, client):
        response = client.get("/services/")

        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 40  # 52 services, 12 of them stopped
        assert "<strong>40 services</strong>" in response.content.decode()
        assert "comobi" not in slugs(response)

    def test_search_and_filters_combine_into_exactly_the_expected_subset(self, client):
        expected = set(
            Service.objects.active()
            .filter(code_status="open", themes__slug="inclusion-numerique")
            .values_list("slug", flat=True)
        )

        response = client.get("/services/", {"theme": "inclusion-numerique", "code": "open", "page_size": 100})

        assert set(slugs(response)) == expected
        assert 0 < len(expected) < 40

    def test_search_with_filter_keeps_only_matching_services(self, client):
        response = client.get("/services/", {"q": "numérique", "stage": "perennisation"})

        assert slugs(response)
        assert all(Service.objects.get(slug=slug).stage == "perennisation" for slug in slugs(response))

    def test_each_filter_value_shows_its_count(self, client):
        response = client.get("/services/", {"code": "open"})

        theme = next(v for v in response.context["facets"]["theme"].values if v.value == "inclusion-numerique")
        expected = Service.objects.active().filter(code_status="open", themes__slug="inclusion-numerique").count()
        assert theme.count == expected
        code_counts = {v.value: v.count for v in response.context["facets"]["code"].values}
        assert code_counts["open"] == 32
        assert code_counts["unknown"] == 8
        stage_counts = {v.value: v.count for v in response.context["facets"]["stage"].values}
        assert stage_counts["abandon"] == Service.objects.filter(stage="abandon", code_status="open").count()

    @pytest.mark.parametrize("params", [{"q": "numérique", "code": "open"}, {"q": "signature"}, {"stage": "abandon"}])
    def test_every_facet_count_is_what_ticking_that_value_alone_shows(self, client, params):
        facets = client.get("/services/", params).context["facets"]

        for facet in facets.values():
            for value in facet.values:
                ticked = {**params, facet.name: value.value}
                assert client.get("/api/services/", ticked).json()["count"] == value.count, (facet.name, value)

    def test_active_filters_are_removable_tags(self, client):
        response = client.get("/services/", {"q": "numérique", "code": "open"})

        tags = {tag.label: tag.remove_url for tag in response.context["active_filters"]}
        assert tags["Recherche : « numérique »"] == "?code=open"
        assert tags["Code source : code ouvert"] == "?q=num%C3%A9rique"
        assert 'aria-label="Retirer le filtre Code source : code ouvert"' in response.content.decode()

    def test_sort_by_name_and_by_update(self, client):
        by_name = slugs(client.get("/services/", {"sort": "nom"}))
        Service.objects.filter(slug="grist").update(updated_at="2030-01-01T00:00:00Z")
        by_update = slugs(client.get("/services/", {"sort": "maj"}))

        assert by_name == sorted(by_name, key=lambda slug: Service.objects.get(slug=slug).name)
        assert by_update[0] == "grist"

    def test_empty_result_offers_close_services_the_ansm_form_with_the_words_and_the_contact(self, client):
        response = client.get("/services/", {"q": "cimetière"})

        html = response.content.decode()
        assert response.status_code == 200
        assert "Aucun service ne correspond à « cimetière »" in html
        assert 'href="/accompagnement/demande/?besoin=cimeti%C3%A8re"' in html
        assert "Décrire votre besoin" in html
        assert "mailto:contactincubateur@anct.gouv.fr" in html
        assert "Appliquer les filtres" not in html  # no lone button over an empty list
        assert "<strong>0 service</strong> correspond à votre recherche" in html  # 0 takes the singular
        assert "moins de 3\xa0500 habitants" in html and "moins de 15\xa0000 habitants" in html

    def test_empty_result_with_a_typo_lists_the_closest_services(self, client):
        response = client.get("/services/", {"q": "agents en interventionnnn", "stage": "construction"})

        assert [service.slug for service in response.context["close_services"]] == ["agents-en-intervention"]

    def test_stopped_services_are_out_by_default_and_a_filter_shows_them(self, client):
        default = client.get("/services/", {"q": "covoiturage"})
        stopped = client.get("/services/", {"q": "covoiturage", "stage": "abandon"})

        assert slugs(default) == []
        assert slugs(stopped) == ["comobi"]
        assert "Les services arrêtés ne sont montrés que si vous cochez « arrêté »." in default.content.decode()

    def test_sort_changes_apply_with_javascript_and_a_button_without(self, client):
        html = client.get("/services/").content.decode()

        assert 'name="sort" data-submit-on-change' in html
        assert 'type="submit" data-hidden-with-js>Trier</button>' in html
        assert '/static/js/catalogue.js"' in html

    def test_used_in_my_departement(self, client):
        response = client.get("/services/", {"departement": "38"})

        assert slugs(response) == ["espace-sur-demande"]

    def test_used_in_my_departement_counts_verified_usages_only(self, client):
        grist = Service.objects.get(slug="grist")
        DeploymentFactory(service=grist, departement_id="29", other_body="Mairie à vérifier", state="pending")
        DeploymentFactory(service=grist, departement_id="29", other_body="Mairie masquée", state="hidden")
        pending_only = client.get("/services/", {"departement": "29"})
        DeploymentFactory(service=grist, departement_id="29", other_body="Mairie vérifiée", state="to_confirm")

        verified = client.get("/services/", {"departement": "29"})

        assert slugs(pending_only) == []
        assert slugs(verified) == ["grist"]
        assert "Finistère (29)" in verified.content.decode()

    def test_pagination_keeps_the_query(self, client):
        response = client.get("/services/", {"code": "open"})

        assert 'href="?code=open&amp;page=2"' in response.content.decode()

    def test_page_works_without_javascript_as_a_get_form(self, client):
        html = client.get("/services/").content.decode()

        assert re.search(r'<form method="get" action="/services/"', html)
        assert 'type="submit"' in html


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize(
    "params",
    [{"theme": "inconnue"}, {"code": "ferme-a-cle"}, {"stage": "x"}, {"departement": "999"}, {"q": "x" * 10_000}],
)
def test_bad_filter_values_are_a_clear_400(client, params):
    response = client.get("/services/", params)

    html = response.content.decode()
    assert response.status_code == 400
    assert "La recherche n’a pas pu être faite" in html
    assert "<title>Erreur – " in html


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("page", ["-1", "0", "999999", "abc", "1e9"])
def test_bad_page_numbers_answer_200(client, page):
    ServiceFactory()

    response = client.get("/services/", {"page": page})

    assert response.status_code == 200


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("q", ["'; DROP TABLE catalogue_service; --", "%%", "\x00", "😀", "<script>alert(1)</script>"])
def test_hostile_queries_answer_200_or_400_never_500(client, q):
    ServiceFactory()

    response = client.get("/services/", {"q": q})

    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()


def make_services(count):
    themes = [ThematiqueFactory() for _ in range(3)]
    porteurs = [PorteurFactory() for _ in range(3)]
    for number in range(count):
        service = ServiceFactory(porteur=porteurs[number % 3], themes=themes[: 1 + number % 3])
        DeploymentFactory(service=service)


@pytest.mark.usefixtures("territories")
@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(
    ("params", "validation"),
    [
        ({"q": "service"}, 0),
        ({"q": "numéro", "code": "open", "stage": "construction", "france_relance": "false", "sort": "nom"}, 0),
        # A family and a département are checked against their tables (one query each) before searching.
        ({"q": "service", "theme": "thematique-a", "departement": "38", "porteur": "public"}, 2),
    ],
)
def test_a_new_search_runs_the_same_queries_whatever_its_results_and_facets(
    client, django_assert_num_queries, count, params, validation
):
    make_services(count)
    ThematiqueFactory(slug="thematique-a")
    # Once per generation: what the facets group on, the names of families, enjeux and départements, and the
    # services passing these filters (another visitor searched other words with them).
    client.get("/services/", {**params, "q": "autre"})

    # page cache generation, the ids the words match (one query whatever the step), the cards shown
    with django_assert_num_queries(3 + validation):
        response = client.get("/services/", params)

    assert response.status_code == 200
    # The API list applies the same FilterSet directly: both count the same services.
    assert response.context["page_obj"].paginator.count == client.get("/api/services/", params).json()["count"]


@pytest.mark.usefixtures("territories")
def test_the_theme_facet_lists_every_family_in_use_in_the_order_staff_gave(client):
    second = ThematiqueFactory(name="Famille seconde", slug="famille-seconde", position=2)
    first = ThematiqueFactory(name="Famille première", slug="famille-premiere", position=1)
    unused = ThematiqueFactory(name="Famille vide", slug="famille-vide", position=3)
    ServiceFactory(themes=[second])
    ServiceFactory(themes=[first])

    response = client.get("/services/")

    values = [value.value for value in response.context["facets"]["theme"].values]
    assert values == [first.slug, second.slug]
    assert unused.slug not in values
    assert "Afficher les" not in response.content.decode()
