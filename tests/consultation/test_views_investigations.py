import pytest
from django.core.management import call_command

from consultation.filters import InvestigationFilterSet
from consultation.models import Investigation


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)


def titles(response):
    return {investigation.title for investigation in response.context["investigations"]}


def test_investigation_durations_are_computed_from_the_data_and_the_announced_ones_quoted(client, demo):
    html = " ".join(client.get("/consultation/investigations/").content.decode().split())

    assert (
        "Pour les 12 dont les dates sont publiées, la durée va de 11 à 25 semaines (médiane : 21,5 semaines)." in html
    )
    assert "9 à 12 semaines" in html and "programme-dinvestigation.md" in html  # quoted with its source
    assert "<strong>8 mois</strong>" in html and "Bilan 2022 de l" in html
    assert "investigations de 9 à 12 semaines, deux jours" not in html


def test_investigations_are_searched_by_words_and_by_collectivite(client, demo):
    waste = titles(client.get("/consultation/investigations/", {"q": "déchets"}))
    draguignan = titles(client.get("/consultation/investigations/", {"q": "Draguignan"}))

    assert "Gérer les tournées de ramassage des déchets / tri" in waste
    assert "Prévenir et gérer les risques hydrologiques" not in waste
    assert "Prévenir et gérer les risques hydrologiques" in draguignan and "BoursOloco" in draguignan


def test_investigations_are_filtered_by_enjeu_territory_status_and_year(client, demo):
    by_enjeu = titles(client.get("/consultation/investigations/", {"enjeu": "donnees-commerces"}))
    overseas = client.get("/consultation/investigations/", {"territory_type": "outre-mer"}).context["investigations"]
    finished = client.get("/consultation/investigations/", {"status": "terminee"}).context["investigations"]
    in_2021 = client.get("/consultation/investigations/", {"year": "2021"}).context["investigations"]

    assert "BoursOloco" in by_enjeu and "Transport scolaire" not in by_enjeu
    assert {"outre-mer"} <= {label for investigation in overseas for label in investigation.territory_types}
    assert all("outre-mer" in investigation.territory_types for investigation in overseas) and len(overseas) == 5
    assert {investigation.get_status_display() for investigation in finished} == {"terminée"} and len(finished) == 2
    assert len(in_2021) == Investigation.objects.filter(start_date__year=2021).count() == 23


def test_only_the_territory_types_and_years_present_are_offered(client, demo):
    InvestigationFilterSet.base_filters["year"].field  # built once on the class, as the API schema does

    form = client.get("/consultation/investigations/").context["form"]

    assert [value for value, _ in form.fields["territory_type"].choices if value] == [
        "rural",
        "coeur-de-ville",
        "outre-mer",
    ]
    assert [value for value, _ in form.fields["year"].choices if value] == ["2021"]


@pytest.mark.parametrize("params", [{"enjeu": "zzz"}, {"status": "fini"}, {"year": "1999"}, {"q": "x" * 300}])
def test_bad_investigation_filters_are_a_clear_400(client, demo, params):
    response = client.get("/consultation/investigations/", params)

    assert response.status_code == 400
    assert "La recherche n’a pas pu être faite" in response.content.decode()


def test_the_api_shares_the_investigation_filters_and_gives_each_enjeu_link_with_its_basis(client, demo):
    results = client.get("/api/investigations/", {"enjeu": "donnees-commerces", "page_size": 100}).json()["results"]
    bad = client.get("/api/investigations/", {"status": "fini"})

    assert {result["title"] for result in results} == titles(
        client.get("/consultation/investigations/", {"enjeu": "donnees-commerces"})
    )
    boursoloco = next(result for result in results if result["slug"] == "boursoloco")
    assert boursoloco["enjeux"] == [{"enjeu": "donnees-commerces", "basis": "theme", "source": "", "note": ""}]
    assert boursoloco["status"] == "en_cours" and boursoloco["status_2021"] == "en cours"
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_services_born_from_an_investigation_are_linked_with_their_source(client, demo):
    html = client.get("/consultation/investigations/", {"q": "Médiature"}).content.decode()

    assert 'Service issu de l’investigation : <a href="/services/mediature/">Médiature</a>' in html
    assert 'href="https://incubateur.anct.gouv.fr/investigation/63/"' in html


@pytest.mark.parametrize("extra", [0, 30])
def test_investigation_list_query_count_is_constant(client, demo, django_assert_num_queries, extra):
    for number in range(extra):
        Investigation.objects.create(source_id=f"x-{number}", slug=f"x-{number}", title=f"X {number}")

    # territory types, years, enjeu choices, the list and its four prefetches, the total, durations, figures
    with django_assert_num_queries(13):  # 12 + the page cache generation
        client.get("/consultation/investigations/")
