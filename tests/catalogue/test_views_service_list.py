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
        assert response.context["page_obj"].paginator.count == 40
        assert "<strong>40 services</strong>" in response.content.decode()

    def test_search_and_filters_combine_into_exactly_the_expected_subset(self, client):
        expected = set(
            Service.objects.filter(code_status="open", themes__slug="inclusion-numerique").values_list(
                "slug", flat=True
            )
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
        expected = Service.objects.filter(code_status="open", themes__slug="inclusion-numerique").count()
        assert theme.count == expected
        code_counts = {v.value: v.count for v in response.context["facets"]["code"].values}
        assert code_counts["open"] == 29
        assert code_counts["unknown"] == 11

    def test_active_filters_are_removable_tags(self, client):
        response = client.get("/services/", {"q": "numérique", "code": "open"})

        tags = {tag.label: tag.remove_url for tag in response.context["active_filters"]}
        assert tags["Recherche : « numérique »"] == "?code=open"
        assert tags["Code source : code ouvert"] == "?q=num%C3%A9rique"
        assert 'aria-label="Retirer le filtre Code source : code ouvert"' in response.content.decode()

    def test_sort_by_name_and_by_update(self, client):
        by_name = slugs(client.get("/services/", {"sort": "nom"}))
        Service.objects.filter(slug="umap").update(updated_at="2030-01-01T00:00:00Z")
        by_update = slugs(client.get("/services/", {"sort": "maj"}))

        assert by_name == sorted(by_name, key=lambda slug: Service.objects.get(slug=slug).name)
        assert by_update[0] == "umap"

    def test_empty_result_suggests_what_to_try(self, client):
        response = client.get("/services/", {"q": "zzzzqqqq"})

        html = response.content.decode()
        assert response.status_code == 200
        assert "Aucun service ne correspond" in html
        assert "retirez un filtre" in html

    def test_used_in_my_departement(self, client):
        response = client.get("/services/", {"departement": "38"})

        assert slugs(response) == ["espace-sur-demande"]

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
def test_catalogue_query_count_does_not_grow_with_services(client, django_assert_num_queries, count):
    make_services(count)

    # search step, count, page, themes of the page, 7 facets
    with django_assert_num_queries(12):  # 11 + the page cache generation
        response = client.get("/services/", {"q": "service", "code": "open"})

    assert response.status_code == 200


@pytest.mark.usefixtures("territories")
def test_the_theme_facet_shows_the_most_used_first_and_the_rest_on_demand(client):
    themes = [ThematiqueFactory(name=f"Thème {letter}", slug=f"theme-{letter}") for letter in "abcdefghij"]
    for rank, theme in enumerate(themes):
        for _ in range(10 - rank):  # "Thème a" is the most used, "Thème j" the least
            ServiceFactory(themes=[theme])

    html = client.get("/services/").content.decode()

    assert "Thème a (10)" in html and "Thème h (3)" in html
    assert "Thème i" not in html and "Thème j" not in html
    assert "Afficher les 2 autres thématiques" in html

    everything = client.get("/services/", {"thematiques": "toutes"}).content.decode()
    assert "Thème j (1)" in everything
    assert 'name="thematiques" value="toutes"' in everything  # kept when the form is sent again

    chosen = client.get("/services/", {"theme": "theme-j"})
    assert "Thème j (1)" in chosen.content.decode()  # a chosen value is never hidden
    assert [tag.label for tag in chosen.context["active_filters"]] == ["Thématique : Thème j"]
