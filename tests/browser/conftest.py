"""Real-browser tests: Playwright driving Debian's Chromium against a live server on PostgreSQL.

The live server runs in a thread of the test process; Playwright's sync API runs an event loop in this
thread, hence DJANGO_ALLOW_ASYNC_UNSAFE. The live server needs committed rows (transactional tests): each
test's clean-up empties every table, and the ``territories`` fixture writes the territories back from a snapshot.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.production import DeployedSite

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _sync_playwright_beside_django(monkeypatch):
    # Only for these tests: set for the whole run, it would reach `check --deploy` run by other tests.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    # One Playwright per test: while it runs, this thread has an event loop, and Django refuses
    # database calls from it in every later test of the run.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it (apt-get install chromium).")
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: `make test` installs it (npm ci).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # The site's Content-Security-Policy applies: the audit injects axe-core through DevTools, not a <script>.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors in the page: {errors}"


@pytest.fixture
def demo_data(territories):
    """The real catalogue and consultation sample of `make run`, committed for the live server."""
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="session")
def deployed_site(django_db_setup, tmp_path_factory):
    """The portal deployed as in production, once per run, on a database of its own beside the test database."""
    from django.db import connection

    site = DeployedSite(
        admin_settings=connection.settings_dict,
        database=f"{connection.settings_dict['NAME']}_deployed",
        folder=tmp_path_factory.mktemp("deployed"),
    )
    site.release()
    site.start()
    yield site
    site.stop()
    site.drop()


def _console_problem(page, message) -> bool:
    # The browser also logs the status of the page itself (404 page, form with errors): tests check that one.
    own_status = message.text.startswith("Failed to load resource") and message.location.get("url") == page.url
    return message.type == "error" and not own_status


@pytest.fixture
def deployed_page(browser, deployed_site):
    """A visitor's tab on the deployed portal: the real Content-Security-Policy applies (no bypass), and every
    console error, failed or refused request is recorded in ``page.problems``."""
    context = browser.new_context(
        base_url=deployed_site.url, ignore_https_errors=True, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: _console_problem(page, message) and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"JavaScript: {error}"))
    # A load cut short by the next navigation (net::ERR_ABORTED) is not a refusal; blocked ones are reported.
    page.on(
        "requestfailed",
        lambda request: (
            request.failure != "net::ERR_ABORTED" and problems.append(f"failed: {request.url} ({request.failure})")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and problems.append(f"{response.status}: {response.url}")
        ),
    )
    page.problems = problems
    yield page
    context.close()
