"""Two gunicorn servers (two workers each, production settings) on one database, the client alternating
between them as a round-robin balancer would: a staff session, the rate limit of the public forms, the page
cache's invalidation and the request flow hold whichever server answers. No balancer is needed here:
``bench/scaleout.py`` runs the same checks through haproxy."""

import itertools

import psycopg
import pytest
from django.db import connection

from tests import scale_out
from tests.production import DeployedSite, free_port

LIMIT = 4
# The servers use a database of their own; the marker only has pytest-django set the test server up.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        admin_settings = dict(connection.settings_dict)
    site = DeployedSite(
        admin_settings=admin_settings,
        database=f"{admin_settings['NAME']}_scale_out",
        folder=tmp_path_factory.mktemp("scale-out"),
        ports=[free_port(), free_port()],
        # The visitors play the proxy hop in front of the servers (X-Forwarded-For), one client address each.
        TRUSTED_PROXY_HOPS="1",
        ANSM_POSTS_PER_HOUR=str(LIMIT),
    )
    site.release()
    site.start()
    site.staff = scale_out.set_up(site.env)
    yield site
    site.stop()
    site.drop()


@pytest.fixture
def next_server(servers):
    return itertools.cycle(servers.urls).__next__


@pytest.fixture(scope="module")
def staff_session(servers):
    """One sign-in for the module: a one-time password is accepted once."""
    return scale_out.check_staff_session(itertools.cycle(servers.urls).__next__, servers.staff)


def test_a_staff_member_signed_in_on_one_server_is_known_to_the_other(staff_session):
    lines, _ = staff_session

    assert lines[1].endswith("-> 302") and lines[2].endswith("-> 200")


def test_an_unpublished_service_disappears_from_the_cache_of_every_server(servers, next_server, staff_session):
    lines = scale_out.check_page_cache_invalidation(next_server, servers.staff, staff_session[1])

    assert "-> 404" in lines[2]


def test_the_request_flow_goes_through_both_servers_and_the_worker(servers, next_server):
    lines = scale_out.check_request_flow(next_server, servers.emails, forwarded_for="203.0.113.20")

    assert lines[-1].endswith("-> 200")


def test_the_posts_of_one_client_are_counted_across_both_servers(servers, next_server):
    def counted(client: str) -> int:
        with psycopg.connect(servers.env["DATABASE_URL"]) as database:
            row = database.execute(
                "SELECT coalesce(sum(count), 0) FROM accompagnement_submissioncounter WHERE key LIKE %s",
                [f"demande:{client}:%"],
            ).fetchone()
        return row[0]

    lines = scale_out.check_rate_limit(next_server, counted, limit=LIMIT, forwarded_for="203.0.113.30")

    assert lines[-1] == f"database counter for the client: {LIMIT}"
