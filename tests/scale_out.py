"""What must stay correct when several servers answer in turn on one database: sessions, rate limits, the page
cache's invalidation and the request flow. Used by the scale-out test (two gunicorn servers, the client
alternating between them) and by ``bench/scaleout.py`` (the same through haproxy's round robin).

Each check takes ``next_server()``, which gives the base URL of the server for the next request, and returns
what it saw, one line per request, naming the server that answered (the URL, or haproxy's ``X-Served-By``).
"""

import http.cookiejar
import json
import quopri
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from django_otp.oath import totp

from tests.accompagnement.factories import form_post
from tests.production import manage

# The shell step of the set-up: a staff member with the second factor production requires, and one service.
SET_UP = """
import json
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from catalogue.models import Service
user = get_user_model().objects.create_superuser("{username}", "equipe@anct.gouv.fr", "{password}")
device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
service = Service.objects.filter(is_published=True).order_by("slug").first()
print(json.dumps({{"key": device.key, "service_pk": service.pk, "service_slug": service.slug}}))
"""
FOLLOW_UP = re.compile(r"/accompagnement/suivi/[\w-]+/")


@dataclass
class Answer:
    status: int
    headers: Message
    text: str
    server: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser's cookies and headers, whatever server answers (cookies ignore ports, as in a browser).

    ``forwarded_for`` plays the proxy hop in front of the servers: each visitor is then a client address of its
    own for the rate limits (the servers trust that hop: ``TRUSTED_PROXY_HOPS``).
    """

    def __init__(self, forwarded_for: str = "203.0.113.1"):
        self.jar = http.cookiejar.CookieJar()
        self.forwarded_for = forwarded_for
        context = ssl._create_unverified_context()  # noqa: S323 (the servers' own throwaway certificate)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def _open(self, request: urllib.request.Request, server: str) -> Answer:
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            headers = response.headers  # case-insensitive: haproxy sends header names in lowercase
            text = response.read().decode()
        return Answer(response.status, headers, text, headers.get("X-Served-By", server))

    def get(self, server: str, path: str) -> Answer:
        return self._open(urllib.request.Request(server + path), server)

    def post(self, server: str, path: str, data: dict) -> Answer:
        """A form post with the CSRF token of this visitor's cookie, from a page of the same origin."""
        token = next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(server + path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Origin", server)
        request.add_header("Referer", server + path)
        return self._open(request, server)


def set_up(env: dict, *, username: str = "equipe", password: str = "un-mot-de-passe-assez-long-2026") -> dict:
    """Create the staff member (and its TOTP device) in the servers' database; the service the checks edit."""
    completed = manage("shell", "-c", SET_UP.format(username=username, password=password), env=env)
    if completed.returncode != 0:
        raise RuntimeError(f"set-up failed:\n{completed.stderr[-3000:]}")
    return {**json.loads(completed.stdout.strip().splitlines()[-1]), "username": username, "password": password}


def _line(step: str, answer: Answer) -> str:
    return f"{step}: {answer.server} -> {answer.status}"


def _different_servers(answers: list[Answer]) -> None:
    servers = [answer.server for answer in answers]
    assert len(set(servers)) > 1, f"every request went to the same server: {servers}"


def check_staff_session(next_server, staff: dict) -> tuple[list[str], Visitor]:
    """A staff member signs in on one server; the admin of the next one knows them."""
    visitor = Visitor()
    form = visitor.get(next_server(), "/admin/login/?next=/admin/")
    device_key = bytes.fromhex(staff["key"])
    login = visitor.post(
        next_server(),
        "/admin/login/?next=/admin/",
        {
            "username": staff["username"],
            "password": staff["password"],
            "otp_token": f"{totp(device_key):06d}",
            "next": "/admin/",
        },
    )
    admin = visitor.get(next_server(), "/admin/")

    assert form.status == 200 and "otp_token" in form.text, form.text[:500]
    assert login.status == 302 and login.location.endswith("/admin/"), (
        login.status,
        login.location,
        login.text[:2000],
    )
    assert admin.status == 200 and "Déconnexion" in admin.text, (admin.status, admin.text[:500])
    _different_servers([login, admin])
    return [_line("login form", form), _line("login", login), _line("admin page", admin)], visitor


def _service_page_everywhere(next_server, visitor: Visitor, path: str, tries: int) -> list[Answer]:
    return [visitor.get(next_server(), path) for _ in range(tries)]


def check_page_cache_invalidation(next_server, staff: dict, staff_visitor: Visitor, *, tries: int = 8) -> list[str]:
    """Once every server has a service page in its cache, staff unpublish the service on one server: no server
    shows the page any more; published again, every server shows it again."""
    path = f"/services/{staff['service_slug']}/"
    visitor = Visitor()
    action = {"action": "unpublish", "_selected_action": staff["service_pk"], "index": "0", "select_across": "0"}
    before = _service_page_everywhere(next_server, visitor, path, tries)
    staff_visitor.get(next_server(), "/admin/catalogue/service/")
    unpublish = staff_visitor.post(next_server(), "/admin/catalogue/service/", action)
    after = _service_page_everywhere(next_server, visitor, path, tries)
    publish = staff_visitor.post(next_server(), "/admin/catalogue/service/", {**action, "action": "publish"})
    again = _service_page_everywhere(next_server, visitor, path, tries)

    hits = {answer.server for answer in before if answer.headers.get("X-Page-Cache") == "hit"}
    assert {answer.status for answer in before} == {200}, [answer.status for answer in before]
    assert len(hits) > 1, f"the page was served from the cache of {hits} only"
    assert unpublish.status == 302 and publish.status == 302, (unpublish.status, publish.status)
    assert {answer.status for answer in after} == {404}, [(answer.server, answer.status) for answer in after]
    assert {answer.status for answer in again} == {200}, [(answer.server, answer.status) for answer in again]
    return [
        f"service page before: {sorted(hits)} served it from their cache",
        _line("unpublish in the admin", unpublish),
        "service page after: " + ", ".join(f"{answer.server} -> {answer.status}" for answer in after[:4]),
        _line("publish again", publish),
        "service page again: " + ", ".join(f"{answer.server} -> {answer.status}" for answer in again[:4]),
    ]


def check_request_flow(next_server, emails, *, forwarded_for: str, timeout: float = 60) -> list[str]:
    """A requester's form, shown by one server and posted to the next; the confirmation, the e-mail the worker
    sends and the follow-up page it links to, each from whichever server answers."""
    visitor = Visitor(forwarded_for)
    form = visitor.get(next_server(), "/accompagnement/demande/")
    posted = visitor.post(next_server(), "/accompagnement/demande/", form_post())
    confirmation = visitor.get(
        next_server(), urllib.parse.urlsplit(posted.location)._replace(scheme="", netloc="").geturl()
    )
    deadline = time.monotonic() + timeout
    links = []
    while not links and time.monotonic() < deadline:
        # The file backend writes the message as sent: quoted-printable cuts a long link across lines.
        links = [link for text in emails() for link in FOLLOW_UP.findall(quopri.decodestring(text.encode()).decode())]
        time.sleep(0.2)
    follow_up = visitor.get(next_server(), links[0]) if links else None

    assert form.status == 200, form.status
    assert posted.status == 302 and "?demande=" in posted.location, (
        posted.status,
        posted.location,
        posted.text[:2000],
    )
    assert confirmation.status == 200 and "Sa référence" in confirmation.text, confirmation.text[:500]
    assert links, "the worker sent no e-mail with the follow-up link"
    assert follow_up.status == 200 and "Lalouvesc" in follow_up.text, (follow_up.status, follow_up.text[:500])
    _different_servers([form, posted, confirmation, follow_up])
    return [
        _line("request form", form),
        _line("post", posted),
        _line("confirmation", confirmation),
        f"e-mail sent by the worker with the follow-up link {links[0][:32]}…",
        _line("follow-up page", follow_up),
    ]


def check_rate_limit(next_server, counted, *, limit: int, forwarded_for: str) -> list[str]:
    """``limit`` counted posts of one client, spread over the servers, then every server refuses the next one.

    ``counted(client)`` reads what the database holds for that client (its rows of SubmissionCounter).
    """
    visitor = Visitor(forwarded_for)
    visitor.get(next_server(), "/accompagnement/demande/")
    # A robot's post (the honeypot field filled) is counted like a saved request, and saves nothing.
    robot = {**form_post(), "website": "https://vente-en-gros.example"}
    accepted = [visitor.post(next_server(), "/accompagnement/demande/", robot) for _ in range(limit)]
    refused = [visitor.post(next_server(), "/accompagnement/demande/", robot) for _ in range(2)]

    assert [answer.status for answer in accepted] == [302] * limit, [answer.status for answer in accepted]
    assert [answer.status for answer in refused] == [429, 429], [answer.status for answer in refused]
    assert all("Trop de demandes" in answer.text for answer in refused)
    assert counted(forwarded_for) == limit
    _different_servers(accepted)
    _different_servers(refused)
    return [
        f"{limit} posts accepted by " + ", ".join(sorted({answer.server for answer in accepted})),
        "then refused (429) by " + ", ".join(answer.server for answer in refused),
        f"database counter for the client: {counted(forwarded_for)}",
    ]
