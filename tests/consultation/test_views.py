import csv
import io
import json

import pytest
from django.core.management import call_command

from consultation.models import Comment, Contribution, Investigation, ReportedFigure
from tests.consultation import exports


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def imported(demo, tmp_path):
    path = tmp_path / "proposals.csv"
    path.write_text(exports.v023_csv(), encoding="utf-8")
    call_command("import_decidim", path, exports.open_data_zip(tmp_path / "export.zip"), verbosity=0)


def test_home_separates_published_figures_from_what_the_archive_holds(client, demo):
    response = client.get("/consultation/")

    html = response.content.decode()
    assert response.status_code == 200
    figure = ReportedFigure.objects.get(key="contributions")
    assert "<strong>476</strong>" in html and figure.source in html
    assert "ne sont pas calculés à partir de cette archive" in html
    held = Contribution.objects.visible().count()
    assert response.context["held"]["contributions"] == held
    assert f'portail-figure fr-mb-0">{held}</p>' in html
    assert response.context["investigations_count"] == Investigation.objects.count() == 52
    assert response.context["comments_count"] == Comment.objects.count()


def test_enjeu_page_goes_from_need_to_project_to_service(client, demo):
    response = client.get("/consultation/enjeux/mutualiser-reserver-ressources/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "[Exemple] Un outil libre pour gérer les réservations de salles communales" in html
    assert "La salle sur demande" in html  # laureate
    assert 'href="/services/espace-sur-demande/"' in html  # service


def test_enjeu_contributions_are_most_supported_first(client, demo):
    contributions = list(client.get("/consultation/enjeux/relation-usagers/").context["contributions"])

    assert [c.supports for c in contributions] == sorted((c.supports for c in contributions), reverse=True)


def test_unknown_enjeu_is_404(client, demo):
    assert client.get("/consultation/enjeux/inconnu/").status_code == 404


@pytest.mark.parametrize("q", ["subventions", "SUBVENTION", "réserver", "reserver", "salles"])
def test_search_finds_contributions_by_words_of_their_body_with_or_without_accents(client, imported, q):
    titles = [c.title for c in client.get("/consultation/contributions/", {"q": q}).context["contributions"]]

    assert titles, q


def test_search_by_body_words(client, imported):
    titles = [
        c.title for c in client.get("/consultation/contributions/", {"q": "agenda en ligne"}).context["contributions"]
    ]

    assert titles == ["Prendre rendez-vous en mairie"]


def test_filters_and_sort(client, imported):
    withdrawn = client.get("/consultation/contributions/", {"state": "withdrawn"}).context["contributions"]
    by_date = list(client.get("/consultation/contributions/", {"sort": "date"}).context["contributions"])

    assert {c.state for c in withdrawn} == {"withdrawn"}
    dates = [c.published_at for c in by_date if c.published_at]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("params", [{"enjeu": "zzz"}, {"state": "nope"}, {"departement": "999"}, {"q": "x" * 10_000}])
def test_bad_parameters_are_a_clear_400(client, demo, params):
    response = client.get("/consultation/contributions/", params)

    assert response.status_code == 400
    assert "La recherche n’a pas pu être faite" in response.content.decode()


@pytest.mark.parametrize("q", ["%", "'; DROP TABLE consultation_contribution; --", "\x00", "<script>", "&|!"])
def test_hostile_searches_never_fail(client, imported, q):
    response = client.get("/consultation/contributions/", {"q": q})

    assert response.status_code in (200, 400)
    assert Contribution.objects.exists()


def test_contribution_page_shows_answer_comments_and_no_injected_markup(client, imported):
    withdrawn = Contribution.objects.get(decidim_host=exports.HOST, decidim_id=2)
    threaded = Contribution.objects.get(decidim_host=exports.HOST, decidim_id=10)

    html = client.get(withdrawn.get_absolute_url()).content.decode()
    thread = client.get(threaded.get_absolute_url())

    for forbidden in ("onclick", "onerror", "javascript:", "<script>alert"):
        assert forbidden not in html
    assert [level for _, level, _ in thread.context["comments"]] == [0, 1]
    assert "Nom Personne" not in thread.content.decode()
    assert 'href="http://participez.example.fr/processes/consultation/f/12/proposals/10"' in thread.content.decode()


def test_hidden_contribution_is_not_public(client, imported):
    contribution = Contribution.objects.first()
    contribution.is_hidden = True
    contribution.save()

    assert client.get(contribution.get_absolute_url()).status_code == 404
    assert contribution.pk not in [
        c["id"] for c in client.get("/api/contributions/", {"page_size": 100}).json()["results"]
    ]


def test_investigations_page_lists_the_pni(client, demo):
    response = client.get("/consultation/investigations/")

    assert response.status_code == 200
    assert len(response.context["investigations"]) == 52
    assert "Prévenir et gérer les risques hydrologiques" in response.content.decode()


def test_open_data_csv_and_json(client, imported):
    rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/consultation/contributions.csv").streaming_content).decode()))
    )
    records = json.loads(client.get("/consultation/contributions.json").content)

    assert len(rows) == len(records) == Contribution.objects.visible().count()
    trapped = next(
        row for row in rows if row["identifiant_decidim"] == "2" and row["instance_decidim"] == exports.HOST
    )
    assert trapped["titre"].startswith("'=")  # spreadsheet guard on output


def test_api_lists_enjeux_contributions_and_investigations(client, imported):
    enjeux = client.get("/api/enjeux/").json()
    contributions = client.get("/api/contributions/", {"q": "subventions"}).json()
    investigations = client.get("/api/investigations/").json()

    assert enjeux["count"] == 17
    assert contributions["results"] and "raw" not in contributions["results"][0]
    assert investigations["count"] == 52


@pytest.mark.parametrize("extra", [0, 60])
def test_contribution_list_query_count_is_constant(client, imported, django_assert_num_queries, extra):
    base = Contribution.objects.first()
    for number in range(extra):
        Contribution.objects.create(
            decidim_host="autre.example.org", decidim_id=number, title=f"Contribution {number}", enjeu=base.enjeu
        )

    # count, page (enjeu and département joined), then the enjeu and département choices of the form
    with django_assert_num_queries(7):  # 6 + the page cache generation
        client.get("/consultation/contributions/")
