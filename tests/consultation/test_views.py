import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils.html import escape

from consultation.demo import DATA_DIR
from consultation.models import Comment, Contribution, Enjeu, Investigation, InvestigationEnjeu, ReportedFigure
from tests.consultation import exports

ENJEUX = json.loads((DATA_DIR / "enjeux.json").read_text(encoding="utf-8"))["items"]
DEMO_HOST = "exemple.decidim.invalid"


@pytest.fixture
def demo(db, territories):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def imported(demo, tmp_path):
    path = tmp_path / "proposals.csv"
    path.write_text(exports.v023_csv(), encoding="utf-8")
    call_command("import_decidim", path, exports.open_data_zip(tmp_path / "export.zip"), verbosity=0)


def test_home_separates_published_figures_from_what_the_archive_holds(client, imported):
    response = client.get("/consultation/")

    html = response.content.decode()
    assert response.status_code == 200
    figure = ReportedFigure.objects.get(key="contributions")
    assert "<strong>476</strong>" in html and figure.source in html and figure.source_url in html
    assert "ne sont pas calculés à partir de cette archive" in html
    held = Contribution.objects.archive().count()
    assert held == Contribution.objects.visible().count() - 6  # the six « [Exemple] » rows are not counted
    assert response.context["held"]["contributions"] == held
    assert f'portail-figure fr-mb-0">{held}</p>' in html
    assert response.context["investigations_count"] == Investigation.objects.count() == 52
    assert response.context["comments_count"] == Comment.objects.exclude(decidim_host=DEMO_HOST).count()


def test_a_portal_without_the_real_archive_says_so_and_how_to_load_it(client, demo):
    home = client.get("/").content.decode()
    consultation = client.get("/consultation/")

    html = consultation.content.decode()
    assert consultation.context["held"]["contributions"] == 0
    assert consultation.context["held"]["examples"] == 6
    assert "L’archive des contributions n’est pas encore chargée" in html
    assert "manage.py import_decidim" in html and "consultation/data/demo/README.md" in html
    assert "les 6 contributions affichées sont des exemples fictifs" in html
    assert "Archive des contributions de 2021 pas encore chargée" in home and "manage.py import_decidim" in home
    assert "contributions de la consultation archivées" not in home


def test_home_counts_the_real_archive_and_not_the_examples(client, imported):
    response = client.get("/")

    assert response.context["contributions_count"] == Contribution.objects.archive().count() == 6
    html = " ".join(response.content.decode().split())
    assert 'portail-figure fr-mb-0">6</p> <p>contributions de la consultation archivées' in html


def test_published_figures_cite_the_2022_report_and_no_internal_remark(client, demo):
    html = client.get("/consultation/").content.decode()

    report = ReportedFigure.objects.filter(
        source__contains="Bilan 2022 de l'accompagnement des lauréats France Relance"
    )
    assert {figure.key for figure in report} >= {"projets", "montant", "code-ouvert", "investigations"}
    assert {figure.value for figure in report} >= {"42", "17,2 M€", "26", "50", "17 M€", "8 mois"}
    assert "lesbases.anct.gouv.fr/ressources/bilan-2022-de-l-accompagnement-des-laureats-france-relance" in html
    for internal in ("cahier des charges", "non retrouvé", "cahier"):
        assert internal not in html
    assert not ReportedFigure.objects.filter(note__icontains="cahier").exists()


def test_sources_that_disagree_are_both_shown_with_their_date(client, demo):
    figures = {figure.key: figure for figure in ReportedFigure.objects.all()}

    html = client.get("/consultation/").content.decode()

    assert (figures["projets-2021"].value, figures["projets-2021"].as_of) == ("44", "octobre 2021")
    assert (figures["montant-2021"].value, figures["montant-2021"].as_of) == ("13,3 M€", "octobre 2021")
    assert (figures["projets"].value, figures["projets"].as_of) == ("42", "2022")
    assert "<strong>44</strong>" in html and "<strong>42</strong>" in html and "<strong>13,3 M€</strong>" in html
    assert "<strong>30 M€</strong>" in html  # the envelope of the consultation (enjeux.json: envelope_eur)


def test_singular_after_one_and_zero(client, demo, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(exports.v023_csv(), encoding="utf-8")
    call_command("import_decidim", path, verbosity=0)
    Contribution.objects.exclude(decidim_id=3).update(kind="besoin")  # one existing service left
    Contribution.objects.filter(decidim_id=3).update(kind="service")

    html = " ".join(client.get("/consultation/").content.decode().split())

    assert "1 service existant)" in html and "1 services existants" not in html


def test_enjeu_page_goes_from_need_to_project_to_service(client, demo):
    response = client.get("/consultation/enjeux/mutualiser-reserver-ressources/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "[Exemple] Un outil libre pour gérer les réservations de salles communales" in html  # shown as example
    assert "Exemples fictifs de démonstration" in html and response.context["contributions_count"] == 0
    assert "Gérer les équipements municipaux (culturels, sportifs, associatifs)" in html  # investigation
    assert "La salle sur demande" in html  # laureate, its enjeu matched by topic
    laureate = html[html.index("La salle sur demande") : html.index("devenu le service")]
    assert "rapproché par thème" in laureate
    assert 'href="/services/espace-sur-demande/"' in html  # service


@pytest.mark.parametrize("slug", [enjeu["slug"] for enjeu in ENJEUX])
def test_every_enjeu_page_links_investigations_or_says_none_exists_with_each_basis(client, demo, slug):
    response = client.get(f"/consultation/enjeux/{slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    links = list(response.context["investigation_links"])
    assert links or "Aucune investigation du PNI ne porte sur cet enjeu" in html
    for link in links:
        assert escape(link.investigation.title) in html
    assert html.count("rapproché par thème") >= len(links)


def test_most_enjeux_have_investigations_and_every_investigation_link_has_a_basis(demo):
    with_investigations = Enjeu.objects.filter(investigation_links__isnull=False).distinct().count()

    assert with_investigations >= 12
    assert set(InvestigationEnjeu.objects.values_list("basis", flat=True)) <= {"source", "theme"}


def test_diagnostic_enjeu_leads_to_the_ansm(client, demo):
    html = client.get("/consultation/enjeux/diagnostic-numerique/").content.decode()

    assert "Accompagnement numérique sur-mesure (ANSM)" in html
    assert 'href="/accompagnement/"' in html
    assert "Les sources consultées ne disent pas si l’ANSM est issu de cet enjeu." in html


def test_document_enjeu_shows_the_electronic_signature_service_matched_by_topic(client, demo):
    response = client.get("/consultation/enjeux/gestion-electronique-documents/")

    html = response.content.decode()
    services = [link.service.slug for link in response.context["service_links"]]
    assert "signature-electronique" in services and len(services) >= 2
    assert 'href="/services/signature-electronique/"' in html
    assert "Signature électronique" in [laureat.title for laureat in response.context["laureats"]]
    assert "Aucun service du catalogue" not in html


def test_a_sourced_link_shows_its_source(client, demo):
    investigation = Investigation.objects.get(source_id="pni-d63")
    link = InvestigationEnjeu.objects.get(investigation=investigation)
    link.basis, link.source = "source", "https://incubateur.anct.gouv.fr/investigation/63/"
    link.save()

    html = client.get("/consultation/enjeux/relation-usagers/").content.decode()

    assert (
        'fr-badge--success fr-badge--no-icon">source</span> <a class="fr-text--sm" href="https://incubateur.anct.gouv.fr/investigation/63/"'
        in html
    )


def test_a_link_said_to_come_from_a_source_needs_that_source(demo):
    link = InvestigationEnjeu.objects.first()
    link.basis, link.source = "source", ""

    with pytest.raises(ValidationError, match="Indiquez la source publique"):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


def test_enjeu_page_query_count_does_not_grow_with_links(client, demo, django_assert_num_queries):
    enjeu = Enjeu.objects.get(slug="relation-usagers")
    for number in range(15):
        investigation = Investigation.objects.create(source_id=f"x-{number}", slug=f"x-{number}", title=f"X {number}")
        InvestigationEnjeu.objects.create(investigation=investigation, enjeu=enjeu, basis="theme")

    with django_assert_num_queries(9):  # 8 + the page cache generation
        client.get("/consultation/enjeux/relation-usagers/")


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


@pytest.mark.parametrize("extra", [1, 60])
def test_a_new_contribution_search_runs_the_same_queries_whatever_its_results(
    client, imported, django_assert_num_queries, extra
):
    base = Contribution.objects.first()
    for number in range(extra):
        Contribution.objects.create(
            decidim_host="autre.example.org", decidim_id=number, title=f"Trottinette {number}", enjeu=base.enjeu
        )
    client.get("/consultation/contributions/")  # the enjeu and département choices: once per content generation

    # page cache generation, search step, count, page (enjeu and département joined)
    with django_assert_num_queries(4):
        response = client.get("/consultation/contributions/", {"q": "trottinette"})

    assert response.context["page_obj"].paginator.count == extra
    assert "Trottinette 0" in response.content.decode()


def test_departement_filter_offers_only_departements_of_contributions(client, imported):
    form = client.get("/consultation/contributions/").context["form"]
    elsewhere = client.get("/consultation/contributions/", {"departement": "75"})

    offered = [str(value) for value, _ in form.fields["departement"].choices if value]
    present = sorted(
        set(Contribution.objects.visible().exclude(departement=None).values_list("departement", flat=True))
    )
    assert offered == present and "07" in offered and "984" not in offered and "989" not in offered
    assert elsewhere.status_code == 200 and elsewhere.context["page_obj"].paginator.count == 0


@pytest.mark.parametrize(
    ("q", "expected"), [("sale", "salle"), ("rendez-vou", "rendez-vous"), ("subvension", "Subventions")]
)
def test_search_tolerates_typos(client, imported, q, expected):
    titles = [c.title for c in client.get("/consultation/contributions/", {"q": q}).context["contributions"]]

    assert titles and any(expected.lower() in title.lower() for title in titles), (q, titles)


def test_contribution_breadcrumb_goes_through_the_consultation(client, imported):
    contribution = Contribution.objects.get(decidim_host=exports.HOST, decidim_id=1)

    html = client.get(contribution.get_absolute_url()).content.decode()

    crumbs = html[html.index('class="fr-breadcrumb__list"') : html.index("</ol>")]
    assert crumbs.index(">Accueil<") < crumbs.index(">Consultation<") < crumbs.index(">Contributions<")
    assert 'href="/consultation/"' in crumbs


def test_comments_are_rendered_with_links_and_markup(client, imported):
    contribution = Contribution.objects.get(decidim_host=exports.HOST, decidim_id=10)
    comment = contribution.comments.get(decidim_id=501)
    comment.body = "Voir **ceci** : https://exemple.fr/page <script>x</script>"
    comment.save()

    html = client.get(contribution.get_absolute_url()).content.decode()

    assert '<strong>ceci</strong> : <a href="https://exemple.fr/page" rel="noopener noreferrer nofollow">' in html
    assert "<script>x</script>" not in html
