"""Property-based: arbitrary text, Unicode, huge and malformed values in every public form field and query
parameter never cause a 5xx, and a post either saves a whole request (or message) or nothing."""

import operator

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from accompagnement.models import DiagnosticRequest, Event
from catalogue.models import UsageDeclaration
from tests.accompagnement.factories import form_post, saved_request

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
HUGE = st.builds(
    operator.mul, st.sampled_from(["a", "é", "0", "%", "'", "\x00", "𝔘", " ", "<b>"]), st.integers(1_000, 200_000)
)
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "%00",
        "../../etc/passwd",
        "\u202egnp.exe",
        "0" * 50,
        "-1",
        "1e309",
        "NaN",
        "2A004",
        "99999999999999999999",
        '=HYPERLINK("http://x")',
        "ﬀ\u0301\u200b",
    ]
)
VALUE = st.one_of(TEXT, HUGE, TRICKY)
VALUES = st.lists(VALUE, min_size=1, max_size=3)  # a key may come several times

GET_PARAMETERS = {
    "/services/": ["q", "theme", "enjeu", "code", "porteur", "stage", "france_relance", "departement", "sort", "page"],
    "/services/espace-sur-demande/": ["commune"],
    "/utilisations.csv": ["q"],
    "/services.csv": ["q", "theme", "enjeu", "code", "departement", "sort"],
    "/consultation/contributions/": ["q", "enjeu", "kind", "author_type", "state", "departement", "sort", "page"],
    "/consultation/contributions.csv": ["q", "enjeu", "kind", "sort"],
    "/consultation/contributions.json": ["q", "enjeu", "state", "sort"],
    "/accompagnement/": ["territoire"],
    "/accompagnement/demande/": ["commune", "epci", "service"],
    "/accompagnement/demande/envoyee/": ["demande"],
    "/api/territoires/communes/": ["q", "departement", "epci", "page", "page_size"],
    "/api/services/": ["q", "theme", "enjeu", "code", "sort", "page", "page_size"],
}
REQUEST_FIELDS = [
    "commune",
    "epci",
    "first_name",
    "last_name",
    "role",
    "email",
    "phone",
    "themes",
    "services",
    "needs",
    "consent",
    "submission_key",
    "website",
]
SMALL_COMMUNES = ["07128", "38052", "01001", "2A004", "97101", "05001"]


@pytest.fixture
def demo(db, territories, settings):
    settings.ANSM_POSTS_PER_HOUR = 1_000_000
    call_command("load_demo", verbosity=0)


def read(response) -> bytes:
    # A streamed download fails while it is read, not when the view returns.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("path", GET_PARAMETERS)
def test_no_query_parameter_value_breaks_a_public_page(path):
    client = Client()

    @FUZZ
    @given(st.dictionaries(st.sampled_from(GET_PARAMETERS[path]), VALUES, max_size=len(GET_PARAMETERS[path])))
    def check(params):
        response = client.get(path, params)
        read(response)
        assert response.status_code < 500, (path, params)

    check()


def assert_every_request_is_whole():
    assert not DiagnosticRequest.objects.filter(themes__isnull=True).exists()
    assert not DiagnosticRequest.objects.filter(events__isnull=True).exists()
    assert not DiagnosticRequest.objects.filter(consent_at__isnull=True).exists()


@pytest.mark.usefixtures("demo")
@FUZZ
@given(
    commune=st.sampled_from(SMALL_COMMUNES),
    changes=st.dictionaries(st.sampled_from(REQUEST_FIELDS), VALUES, min_size=1, max_size=5),
)
def test_the_request_form_saves_a_whole_request_or_nothing(commune, changes):
    client = Client()
    before = DiagnosticRequest.objects.count()

    response = client.post("/accompagnement/demande/", {**form_post(commune), **changes})

    assert response.status_code < 500, changes
    created = DiagnosticRequest.objects.count() - before
    assert created in (0, 1)
    if created:
        assert response.status_code == 302
    assert_every_request_is_whole()


@pytest.mark.usefixtures("demo")
def test_a_follow_up_post_saves_one_whole_message_or_nothing():
    request, token = saved_request()
    client = Client()
    messages = Event.objects.filter(request=request, kind=Event.Kind.MESSAGE_FROM_REQUESTER)

    @FUZZ
    @given(body=st.lists(VALUE, max_size=2), action=st.lists(st.one_of(st.just("message"), VALUE), max_size=2))
    def check(body, action):
        before = messages.count()

        response = client.post(f"/accompagnement/suivi/{token}/", {"body": body, "action": action})

        assert response.status_code < 500
        assert messages.count() - before in (0, 1)
        assert all(message.body.strip() and "\x00" not in message.body for message in messages)

    check()


@pytest.mark.usefixtures("demo")
@FUZZ
@given(signed=VALUES)
def test_a_forged_resend_link_is_refused_without_error(signed):
    response = Client().post("/accompagnement/demande/lien/", {"demande": signed})

    assert response.status_code in (400, 404)


DECLARATION_FIELDS = ["kind", "commune", "epci", "departement", "region", "since", "use_case", "stop_reason"]
DECLARATION_FIELDS += ["contact", "email", "website"]


@pytest.mark.usefixtures("demo")
@FUZZ
@given(changes=st.dictionaries(st.sampled_from(DECLARATION_FIELDS), VALUES, min_size=1, max_size=5))
def test_the_usage_declaration_form_saves_one_declaration_or_nothing(changes):
    client = Client()
    before = UsageDeclaration.objects.count()
    valid = {"kind": "uses", "commune": "38185", "since": "03/2022", "email": "numerique@grenoble.fr"}

    response = client.post("/services/espace-sur-demande/utilisation/", {**valid, **changes})

    assert response.status_code < 500, changes
    created = UsageDeclaration.objects.count() - before
    assert created in (0, 1)
    if created:
        assert response.status_code == 302
