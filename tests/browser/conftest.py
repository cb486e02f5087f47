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
    # bypass_csp lets the audit inject axe-core into pages whose policy allows only the site's own scripts.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
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
