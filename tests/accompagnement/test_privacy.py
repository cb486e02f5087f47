from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accompagnement import workflow
from accompagnement.models import DiagnosticRequest, Event, Status

PUBLIC_URLS = [
    "/",
    "/accompagnement/",
    "/accompagnement/?territoire=lalouvesc",
    "/services/",
    "/services/grist/",
    "/consultation/",
    "/api/",
    "/api/accompagnement/stats/",
    "/api/services/",
    "/api/territoires/communes/07128/",
    "/services.csv",
    "/chiffres/",
    "/chiffres/besoins/",
    "/chiffres/besoins/thematiques.csv",
]


def test_no_email_or_name_in_any_public_page_or_api(client, submitted):
    for url in PUBLIC_URLS:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content

        assert response.status_code == 200, url
        for secret in (b"secretariat@mairie-exemple.fr", b"Durand", b"partager nos tableaux"):
            assert secret not in content, (url, secret)


def test_stats_are_aggregate_counts(client, submitted):
    data = client.get("/api/accompagnement/stats/").json()

    assert data["total"] == 1
    assert data["by_status"] == {"nouvelle": 1}
    assert data["by_departement"] == {}  # one request in the Ardèche is too few to be shown
    assert list(data["by_month"].values()) == [1]


def test_purge_anonymises_old_finished_requests_and_keeps_statistics(submitted, admin_user, capsys):
    workflow.post_message(submitted.pk, body="Rappelez Mme Durand au 04 75 00 00 00", by=admin_user)
    workflow.move_request(submitted.pk, to=Status.DECLINED, by=admin_user, reason="sans_reponse")
    DiagnosticRequest.objects.filter(pk=submitted.pk).update(updated_at=timezone.now() - timedelta(days=800))

    call_command("purge_requests")

    request = DiagnosticRequest.objects.get(pk=submitted.pk)
    assert (
        request.anonymised_at
        and request.first_name == ""
        and request.email == "anonyme@invalid"
        and request.needs == ""
    )
    assert request.commune_id == "07128" and request.population == 388 and request.themes.count() == 2
    assert not Event.objects.filter(request=request).exclude(body="").exists()
    assert "1 demande(s) anonymisée(s)" in capsys.readouterr().out


def test_purge_keeps_recent_and_open_requests(submitted):
    call_command("purge_requests", months=0, verbosity=0)

    assert DiagnosticRequest.objects.get(pk=submitted.pk).email == "secretariat@mairie-exemple.fr"


@pytest.mark.parametrize("url", ["/admin/accompagnement/diagnosticrequest/", "/admin/accompagnement/event/"])
def test_anonymous_visitors_are_sent_to_the_login(client, submitted, url):
    assert client.get(url).status_code == 302
