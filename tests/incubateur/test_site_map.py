"""Every public page reached from the site's own map: 200, one <h1>, its own <title>, no undefined variable.

The walk starts at /plan-du-site/ and follows every link of every page it reaches (header, footer and
content), so a page added to the site is checked as soon as anything links to it; no list is kept by hand.
"""

import re
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template import Context, Origin, Template, engines
from django.template.base import Node
from django.test import Client

from tests.site_walk import walk

pytestmark = pytest.mark.usefixtures("territories")

PROJECT = django_settings.BASE_DIR


def _template_rendering(frame) -> str:
    """The name of the template whose node is being rendered in ``frame`` or its callers."""
    while frame is not None:
        node = frame.f_locals.get("self")
        if isinstance(node, Node) and getattr(node, "origin", None) is not None:
            return node.origin.name
        frame = frame.f_back
    return ""


class UndefinedVariable(str):
    """``string_if_invalid`` that fails the render of the project's templates (Django formats it with the name
    of the undefined variable). Templates of installed packages (django-dsfr's form fields) keep Django's
    default of an empty string: they are not ours to fix."""

    def __contains__(self, part):
        return part == "%s"

    def __mod__(self, name):
        template = _template_rendering(sys._getframe(1))
        if template.startswith(str(PROJECT)) and not template.startswith(str(PROJECT / ".venv")):
            raise AssertionError(f"undefined template variable: {name} in {template}")
        return ""


def _fetch(client):
    def fetch(path):
        response = client.get(path)
        body = "" if response.streaming else response.content.decode()
        return response.status_code, response.get("Content-Type", ""), body

    return fetch


@pytest.fixture
def site(settings):
    call_command("load_demo", verbosity=0)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": UndefinedVariable("%s")}}]
    return walk(_fetch(Client()))


def test_the_walk_reaches_every_part_of_the_site(site):
    for prefix in [
        "/services/",
        "/consultation/enjeux/",
        "/consultation/contributions/",
        "/accompagnement/demande/",
        "/api/",
    ]:
        assert any(path.startswith(prefix) and path != prefix for path in site) or prefix in site, prefix
    assert len([path for path in site if re.fullmatch(r"/services/[\w-]+/", path)]) >= 40


def test_every_page_reached_answers_200(site):
    assert {path: status for path, (status, _, _) in site.items() if status != 200} == {}


def test_every_html_page_has_one_h1_and_its_own_title(site):
    titles, wrong = {}, {}
    for path, (_, content_type, html) in site.items():
        if not content_type.startswith("text/html"):
            continue
        if (count := len(re.findall(r"<h1[\s>]", html))) != 1:
            wrong[path] = f"{count} <h1>"
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        # The pages of one list share its title.
        titles.setdefault(title.group(1).strip() if title else "", set()).add(path.split("?")[0])

    assert wrong == {}
    assert "" not in titles
    assert {title: paths for title, paths in titles.items() if len(paths) > 1} == {}


def test_every_page_reached_answers_head_without_a_body(site):
    client = Client()
    wrong = {}
    for path in site:
        response = client.head(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code != 200 or body:
            wrong[path] = response.status_code

    assert wrong == {}


def test_an_undefined_variable_fails_in_the_project_templates_only(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": UndefinedVariable("%s")}}]
    django_engine = engines["django"].engine

    ours = Template("{{ nothing_here }}", origin=Origin(str(PROJECT / "templates" / "x.html")), engine=django_engine)
    theirs = Template("{{ nothing_here }}", origin=Origin(str(PROJECT / ".venv" / "dsfr.html")), engine=django_engine)

    with pytest.raises(AssertionError, match="undefined template variable: nothing_here"):
        ours.render(Context({}))
    assert theirs.render(Context({})) == ""
