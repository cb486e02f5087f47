import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import ServiceEnjeu, Stage
from consultation.models import Contribution, Enjeu, LinkBasis
from territoires.models import Commune
from tests.accompagnement.factories import saved_request
from tests.catalogue.factories import ServiceFactory, ThematiqueFactory

pytestmark = pytest.mark.usefixtures("territories")


def _row(html: str, name: str) -> str:
    """The table row whose header cell is ``name``, tags kept."""
    match = re.search(rf'<tr>\s*<th scope="row">{re.escape(name)}</th>(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def _requests(theme, communes):
    """One open request of each of ``communes`` (one open request per commune at a time), about ``theme``."""
    for commune in communes:
        request, _ = saved_request(
            commune_id=commune.code_insee,
            email=f"mairie{commune.code_insee}@exemple.fr",
            last_name="Confidentiel",
            needs="Notre secret de besoin précis.",
        )
        request.themes.set([theme])


@pytest.fixture
def themes(db):
    mobility = ThematiqueFactory(slug="mob-test", name="Mobilité (test)")
    finances = ThematiqueFactory(slug="fin-test", name="Finances (test)")
    paperwork = ThematiqueFactory(slug="adm-test", name="Administration (test)")
    communes = list(Commune.objects.filter(departement_id="07", population__lt=3500).order_by("code_insee")[:6])
    _requests(mobility, communes[:4])
    _requests(finances, communes[4:])
    ServiceFactory(themes=[finances])
    ServiceFactory(themes=[finances], is_published=False)
    ServiceFactory(themes=[finances], stage=Stage.ABANDON)
    for _ in range(3):
        ServiceFactory(themes=[paperwork])
    return mobility, finances, paperwork


def test_a_thematique_asked_for_with_no_published_service_is_not_covered(client, themes):
    html = client.get("/chiffres/besoins/").content.decode()

    mobility = _row(html, "Mobilité (test)")
    assert "<td>4</td>" in mobility and "0 service<" in mobility and "non couvert" in mobility
    assert 'href="/services/?theme=mob-test"' in mobility
    # Neither the unpublished nor the stopped service answers it.
    finances = _row(html, "Finances (test)")
    assert "1 service<" in finances and "peu couvert" in finances
    assert "3 services<" in _row(html, "Administration (test)")
    assert html.index("Mobilité (test)") < html.index("Finances (test)") < html.index("Administration (test)")


def test_fewer_requests_than_the_threshold_are_never_counted_and_no_request_text_shows(client, themes):
    html = client.get("/chiffres/besoins/").content.decode()

    assert "<td>moins de 3</td>" in _row(html, "Finances (test)")
    assert "Confidentiel" not in html and "secret de besoin" not in html and "@exemple.fr" not in html


def test_enjeux_show_their_public_contributions_and_the_services_linked_to_them(client, db):
    enjeu = Enjeu.objects.create(number=99, slug="enjeu-test", source_id="t99", title="Mieux trier")
    covered = Enjeu.objects.create(number=98, slug="enjeu-couvert", source_id="t98", title="Mieux compter")
    for number in range(2):
        Contribution.objects.create(
            decidim_host="mon.incubateur.anct.gouv.fr", decidim_id=number, title="x", enjeu=enjeu
        )
    Contribution.objects.create(decidim_host="demo.invalid", decidim_id=9, title="démo", enjeu=enjeu)
    ServiceEnjeu.objects.create(service=ServiceFactory(), enjeu=covered, basis=LinkBasis.THEME)

    html = client.get("/chiffres/besoins/").content.decode()

    row = _row(html, "99. Mieux trier")
    assert ">2 contributions<" in row and "non couvert" in row
    assert 'href="/consultation/contributions/?enjeu=enjeu-test"' in row
    assert 'href="/services/?enjeu=enjeu-test"' in row
    covered_row = _row(html, "98. Mieux compter")
    assert "1 service<" in covered_row and "dont 1 rapproché par thème" in covered_row
    assert "peu couvert" in covered_row


def test_each_table_downloads_as_csv_with_the_threshold_applied(client, themes):
    response = client.get("/chiffres/besoins/thematiques.csv")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "thématique,demandes ANSM,services publiés,couverture,catalogue"
    assert "Mobilité (test),4,0,non couvert,/services/?theme=mob-test" in lines
    assert "Finances (test),moins de 3,1,peu couvert,/services/?theme=fin-test" in lines
    enjeux = b"".join(client.get("/chiffres/besoins/enjeux.csv").streaming_content).decode()
    assert enjeux.startswith("grand enjeu,contributions 2021,services publiés,")
    assert client.get("/chiffres/besoins/inconnu.csv").status_code == 404


def test_the_figures_page_and_the_site_map_link_to_the_needs_page(client):
    figures = client.get("/chiffres/").content.decode()
    site_map = client.get("/plan-du-site/").content.decode()

    assert 'href="/chiffres/besoins/"' in figures and 'href="/chiffres/besoins/"' in site_map
    assert "<h1>Besoins non couverts" in client.get("/chiffres/besoins/").content.decode()


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_needs(client, themes):
    client.get("/chiffres/besoins/")  # warm the page chrome and the session-less caches
    with CaptureQueriesContext(connection) as few:
        client.get("/chiffres/besoins/?few")
    for number in range(5):
        ServiceFactory(themes=[ThematiqueFactory(slug=f"autre-{number}")])
        Enjeu.objects.create(number=90 + number, slug=f"enjeu-{number}", source_id=f"t{90 + number}", title="x")

    with CaptureQueriesContext(connection) as many:
        client.get("/chiffres/besoins/?many")

    assert len(many) == len(few)
