import json
import logging

from django.test import RequestFactory

from core.logging import JsonFormatter, PersonalDataFilter


def make_record(message, *args, **extra):
    record = logging.LogRecord("portail", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_formatter_writes_one_object_on_one_line():
    line = JsonFormatter().format(make_record("Demande %s reçue", "ANSM-2026-00042", reference="ANSM-2026-00042"))

    assert "\n" not in line
    payload = json.loads(line)
    assert payload["message"] == "Demande ANSM-2026-00042 reçue"
    assert payload["level"] == "INFO"
    assert payload["reference"] == "ANSM-2026-00042"


def test_personal_data_is_masked_in_log_messages():
    record = make_record(
        "Envoi à %s (%s), suivi /accompagnement/suivi/%s/", "marie.dupont@mairie.fr", "06 12 34 56 78", "s3cr3t"
    )

    PersonalDataFilter().filter(record)

    message = record.getMessage()
    assert "marie.dupont@mairie.fr" not in message
    assert "06 12 34 56 78" not in message
    assert "s3cr3t" not in message
    assert "[courriel masqué]" in message


def test_extras_are_scrubbed_too():
    line = JsonFormatter().format(
        make_record("Not Found", request="<WSGIRequest: GET '/accompagnement/suivi/abc123/'>")
    )

    assert "abc123" not in line
    assert "[jeton masqué]" in json.loads(line)["request"]


def test_a_huge_request_is_logged_masked_and_cut():
    query = "q=" + "a" * 100_000 + "&email=marie.dupont@mairie.fr&" + "a." * 100_000
    line = JsonFormatter().format(make_record("Bad Request", request=f"<WSGIRequest: GET '/services/?{query}'>"))

    logged = json.loads(line)["request"]
    assert "marie.dupont@mairie.fr" not in line
    assert len(logged) < 4_100
    assert logged.endswith("caractères coupés]")


def test_an_address_after_a_long_run_of_letters_is_still_masked():
    line = JsonFormatter().format(make_record("%s", "x" * 3_000 + " marie.dupont@mairie.fr"))

    assert "marie.dupont@mairie.fr" not in line
    assert "[courriel masqué]" in line


def test_a_follow_up_token_is_masked_once_by_the_filter_and_the_formatter_together():
    record = make_record("GET /accompagnement/suivi/Zm9vYmFyYmF6/ 200")

    PersonalDataFilter().filter(record)
    payload = json.loads(JsonFormatter().format(record))

    assert payload["message"] == "GET /accompagnement/suivi/[jeton masqué]/ 200"


def test_a_request_log_names_the_client_as_the_rate_limit_sees_it(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    request = RequestFactory().get("/x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="evil, 203.0.113.9")

    payload = json.loads(JsonFormatter().format(make_record("Not Found: /x", request=request)))

    assert payload["client"] == "203.0.113.9"
