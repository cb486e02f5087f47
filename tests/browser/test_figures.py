"""/chiffres/ on the deployed portal: the DSFR's charts drawn under the production Content-Security-Policy,
the privacy threshold on the map, and the tables alone without JavaScript or by keyboard."""

import pytest

from incubateur.dsfr_chart import RENDERED_CLASSES
from tests.browser.audit import page_problems, tab_from_the_top
from tests.browser.test_deployed import dsfr_problems
from tests.production import manage

# Requests from small communes of three départements: Savoie and Lozère reach the threshold of 3, Haute-Corse not.
SEED = """
from tests.accompagnement.factories import requests_in_departements
requests_in_departements({"73": 4, "48": 3, "2B": 1})
"""
DRAWN = """() => ({
    bars: [...document.querySelectorAll('bar-chart canvas')].filter(canvas => canvas.width > 0).length,
    coloured: [...document.querySelectorAll('map-chart .france_container path[fill]')].map(path => path.classList[0]),
    classes: [...new Set([...document.querySelectorAll('.portail-chart [class]')]
        .flatMap(element => [...element.classList]).filter(name => name.startsWith('fr-')))],
})"""
CSV_LINKS = 6


@pytest.fixture(scope="module")
def seeded(deployed_site):
    completed = manage("shell", "-c", SEED, env=deployed_site.env)
    assert completed.returncode == 0, completed.stderr[-2000:]


def test_the_charts_are_drawn_under_the_production_policy_with_the_threshold_on_the_map(deployed_page, seeded):
    response = deployed_page.goto("/chiffres/", wait_until="networkidle")
    deployed_page.locator("map-chart .france_container svg").wait_for()
    deployed_page.locator("bar-chart canvas").first.wait_for()

    drawn = deployed_page.evaluate(DRAWN)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe" not in response.headers["content-security-policy"]
    assert drawn["bars"] == 5  # by month, status, thématique; usages by service and département (demo data)
    assert sorted(drawn["coloured"]) == ["FR-48", "FR-73"]  # Haute-Corse, with one request, stays grey
    assert set(drawn["classes"]) <= set(RENDERED_CLASSES), "build_dsfr_css would leave these unstyled"
    # A tooltip, the one place the package wrote an inline style, opens without any refusal.
    deployed_page.locator("map-chart path.FR-73").hover()
    assert deployed_page.locator("map-chart .map_tooltip").inner_text().split() == ["Savoie", "4"]
    assert dsfr_problems(deployed_page) == []
    assert page_problems(deployed_page) == []
    assert deployed_page.problems == []


def test_the_keyboard_reaches_every_csv_link_and_never_stops_in_a_chart(deployed_page, seeded):
    deployed_page.goto("/chiffres/", wait_until="networkidle")
    deployed_page.locator("map-chart .france_container svg").wait_for()

    tab_from_the_top(deployed_page)
    reached = []
    for _ in range(80):
        focused = deployed_page.evaluate(
            "() => ({href: document.activeElement.getAttribute('href') || '',"
            " inChart: !!document.activeElement.closest('.portail-chart')})"
        )
        reached.append(focused)
        deployed_page.keyboard.press("Tab")

    assert not any(focus["inChart"] for focus in reached)
    csv = {focus["href"] for focus in reached if focus["href"].endswith(".csv")}
    assert len(csv) == CSV_LINKS
    assert deployed_page.problems == []


def test_without_javascript_the_page_gives_the_tables_and_no_empty_chart(browser, deployed_site, seeded):
    context = browser.new_context(base_url=deployed_site.url, ignore_https_errors=True, java_script_enabled=False)
    page = context.new_page()

    page.goto("/chiffres/")

    captions = page.locator("table caption").all_inner_texts()
    assert "Demandes d'accompagnement par département" in captions and len(captions) == CSV_LINKS
    assert "Savoie (73)" in page.locator("table").first.inner_text()
    assert "Haute-Corse" not in page.locator("main").inner_text()
    assert page.locator(".portail-chart").count() >= 4
    assert all(not figure.is_visible() for figure in page.locator(".portail-chart").all())
    context.close()
