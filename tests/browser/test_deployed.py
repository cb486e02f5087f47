"""The deployed portal in Chromium: production settings, collectstatic, gunicorn over HTTPS, the real
Content-Security-Policy and the task worker. Every public page is styled by the DSFR, shows no console
error and loads every resource; the request journey goes through the worker to a real e-mail."""

import re
import socket
import ssl
import time

import pytest

from tests.browser.audit import page_problems
from tests.browser.test_journeys import fill_requester, pick_with_keyboard
from tests.site_walk import route_of, walk

FOLLOW_UP = re.compile(r"https://127\.0\.0\.1:\d+/accompagnement/suivi/[\w-]+/")
# The browsable API is DRF's page, not the site's: it is checked for errors, not for the DSFR look.
NOT_DSFR = ("/api/",)
DSFR_APPLIED = """async () => {
    await document.fonts.ready;
    const style = element => element ? getComputedStyle(element) : null;
    const headerRow = style(document.querySelector('.fr-header__body-row'));
    const container = style(document.querySelector('main .fr-container'));
    return {
        font: style(document.body).fontFamily,
        marianneLoaded: [...document.fonts].some(face => face.family.includes('Marianne') && face.status === 'loaded'),
        headerRow: headerRow && headerRow.display,
        containerMaxWidth: container && container.maxWidth,
        stylesheets: [...document.styleSheets].map(sheet => sheet.href).filter(Boolean),
        // A DSFR field has its grey background; without its component's rules it is invisible.
        unstyledFields: [...document.querySelectorAll('.fr-input, .fr-select')]
            .filter(field => style(field).backgroundColor === 'rgba(0, 0, 0, 0)')
            .map(field => field.name || field.id),
    };
}"""


def dsfr_problems(page) -> list[str]:
    """What shows that the DSFR did not apply: computed font and layout, not class names in the HTML."""
    seen = page.evaluate(DSFR_APPLIED)
    problems = []
    if not seen["font"].startswith("Marianne"):
        problems.append(f"body font is {seen['font']!r}, not Marianne")
    if not seen["marianneLoaded"]:
        problems.append("the Marianne font did not load")
    if seen["headerRow"] != "flex":
        problems.append(f"the header row is laid out as {seen['headerRow']!r}, not flex")
    if seen["containerMaxWidth"] != "1248px":  # 78rem at 1280 px
        problems.append(f"the content container is {seen['containerMaxWidth']!r} wide at most, not 1248px")
    if seen["unstyledFields"]:
        problems.append(f"fields without the DSFR's style (no background): {seen['unstyledFields']}")
    return problems


@pytest.fixture(scope="module")
def public_pages(deployed_site):
    """One page of each public route reached from the site map of the deployed site (fetched over HTTPS)."""
    import urllib.error
    import urllib.request

    context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)

    def fetch(path):
        try:
            with urllib.request.urlopen(f"{deployed_site.url}{path}", context=context, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), ""

    pages = {}
    for path, (status, content_type, _) in walk(fetch).items():
        if status == 200 and content_type.startswith("text/html"):
            pages.setdefault(route_of(path), path)
    return pages


def test_the_deployed_site_serves_what_collectstatic_made(deployed_site, public_pages):
    assert len(public_pages) >= 12
    assert "incubateur.wsgi" in deployed_site.log() or "Booting worker" in deployed_site.log()


def test_every_public_page_is_styled_clean_and_accessible_in_production(deployed_page, public_pages):
    found = {}
    for route, path in sorted(public_pages.items()):
        deployed_page.problems.clear()
        response = deployed_page.goto(path, wait_until="networkidle")
        problems = [f"status {response.status}"] if response.status != 200 else []
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        if not path.startswith(NOT_DSFR):
            problems += dsfr_problems(deployed_page) + page_problems(deployed_page)
        problems += deployed_page.problems
        if problems:
            found[f"{route} ({path})"] = problems

    assert found == {}, "\n".join(f"{page}: {problems}" for page, problems in found.items())


@pytest.mark.parametrize(
    ("state", "path"),
    [
        ("éligibilité, commune éligible", "/accompagnement/?territoire=Lalouvesc"),
        ("éligibilité, commune trop peuplée", "/accompagnement/?territoire=Annecy"),
        ("catalogue, recherche sans résultat", "/services/?q=zzzzqqq"),
        ("page introuvable", "/services/ce-service-n-existe-pas/"),
    ],
)
def test_page_states_are_styled_and_clean_in_production(deployed_page, state, path):
    deployed_page.goto(path, wait_until="networkidle")

    assert dsfr_problems(deployed_page) == []
    assert page_problems(deployed_page) == []
    assert deployed_page.problems == []


def test_the_request_form_with_mistakes_is_styled_and_clean_in_production(deployed_page):
    deployed_page.goto("/accompagnement/demande/", wait_until="networkidle")
    deployed_page.get_by_role("button", name="Envoyer ma demande").click()
    deployed_page.wait_for_load_state("networkidle")

    assert deployed_page.title().startswith("Erreur – ")
    assert dsfr_problems(deployed_page) == []
    assert page_problems(deployed_page) == []
    # The form answers 400 with its errors: the one response expected to be refused is the page itself.
    assert deployed_page.problems == []


def test_a_request_goes_through_the_task_worker_to_the_requester_s_mailbox(deployed_page, deployed_site):
    sent_before = len(deployed_site.emails())
    deployed_page.goto("/accompagnement/demande/?service=espace-sur-demande", wait_until="networkidle")
    # Condat's postal code, shared by nine communes and equal to Saint-Hippolyte's INSEE code.
    pick_with_keyboard(deployed_page, "Commune", "15190", "^Condat — 15190 — Cantal")
    fill_requester(deployed_page)
    deployed_page.get_by_role("button", name="Envoyer ma demande").click()
    assert deployed_page.locator("h1").inner_text() == "Votre demande a bien été envoyée"

    deadline = time.monotonic() + 30
    while len(deployed_site.emails()) <= sent_before and time.monotonic() < deadline:
        time.sleep(0.3)
    to_requester = [mail for mail in deployed_site.emails() if "To: secretariat@mairie-exemple.fr" in mail]
    assert to_requester, f"no e-mail from the worker:\n{deployed_site.log('worker')[-2000:]}"
    sent = to_requester[-1].replace("=\n", "")
    link = FOLLOW_UP.search(sent).group()
    assert "Reply-To: contactincubateur@anct.gouv.fr" in sent
    assert "Condat (Cantal, 15)" in sent and "5 jours ouvr" in sent  # the recap names the département

    deployed_page.goto(link, wait_until="networkidle")
    assert "Condat (Cantal, 15)" in deployed_page.locator("main").inner_text()
    assert dsfr_problems(deployed_page) == []
    assert page_problems(deployed_page) == []
    assert deployed_page.problems == []


@pytest.mark.parametrize(
    "path", ["/services/", "/consultation/", "/accompagnement/", "/services.csv", "/api/services/"]
)
def test_head_gets_the_headers_and_no_body_from_gunicorn(deployed_site, path):
    context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)
    with socket.create_connection(("127.0.0.1", deployed_site.port)) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while chunk := tls.recv(65536):
                received += chunk

    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body == b""


FIRST_VISIT_PAGES = ["/", "/services/", "/services/administration-plus/", "/accompagnement/demande/"]
# Marianne Regular, Medium and Bold are 124 kB of the DSFR's unmodified woff2 files (its terms forbid changing
# them): the issue's 100 kB is out of reach with them; this pins what the rest weighs so that it does not grow.
FIRST_VISIT_BUDGET_KB = 205


@pytest.mark.parametrize("path", FIRST_VISIT_PAGES)
def test_a_first_visit_makes_at_most_ten_requests_within_its_budget(browser, deployed_site, path):
    context = browser.new_context(base_url=deployed_site.url, ignore_https_errors=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    requests, received = [], []
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: event["request"]["url"].startswith("data:") or requests.append(event["request"]["url"]),
    )
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))

    page.goto(path, wait_until="networkidle")
    context.close()

    assert len(requests) <= 10, requests
    assert sum(received) / 1024 <= FIRST_VISIT_BUDGET_KB, requests
    assert not [url for url in requests if "/artwork/" in url], "the theme modal's pictures load before it opens"
    fonts = sorted(url.rsplit("/", 1)[1].split(".")[0] for url in requests if url.endswith(".woff2"))
    assert fonts == ["Marianne-Bold", "Marianne-Medium", "Marianne-Regular"]


def test_the_theme_modal_works_by_keyboard_shows_its_pictures_and_switches_to_dark(deployed_page):
    deployed_page.goto("/services/", wait_until="networkidle")
    button = deployed_page.locator("header").get_by_role("button", name="Paramètres d’affichage")

    button.focus()
    deployed_page.keyboard.press("Enter")
    modal = deployed_page.get_by_role("dialog", name="Paramètres d’affichage")
    modal.locator("svg").nth(2).wait_for()  # the three pictures, fetched on opening and inlined by the DSFR
    # Focus is on the close button; Tab reaches the chosen theme (Système), the up arrow picks the one above.
    deployed_page.keyboard.press("Tab")
    deployed_page.keyboard.press("ArrowUp")
    assert deployed_page.get_by_label("Thème sombre").is_checked()
    deployed_page.keyboard.press("Shift+Tab")  # back to "Fermer"
    deployed_page.keyboard.press("Enter")
    modal.wait_for(state="hidden")  # it closes with a transition

    assert deployed_page.evaluate("document.documentElement.getAttribute('data-fr-theme')") == "dark"
    assert deployed_page.evaluate("document.activeElement.getAttribute('aria-controls')") == "fr-theme-modal"
    assert deployed_page.problems == []


def test_the_header_menu_opens_and_closes_on_a_phone(deployed_page):
    deployed_page.set_viewport_size({"width": 375, "height": 800})
    deployed_page.goto("/services/", wait_until="networkidle")
    consultation = deployed_page.locator("#menu-mobile").get_by_role("link", name="Consultation")
    assert not consultation.is_visible()

    deployed_page.get_by_role("button", name="Menu").click()
    consultation.wait_for()
    # The DSFR's header script copies the tools links into the menu.
    assert deployed_page.locator("#menu-mobile").get_by_role("link", name="Demander un accompagnement").is_visible()
    deployed_page.get_by_role("button", name="Fermer").first.click()
    consultation.wait_for(state="hidden")

    assert deployed_page.problems == []
