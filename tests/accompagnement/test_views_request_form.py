import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from accompagnement.models import DiagnosticRequest, Event, Status


def test_a_small_commune_gets_one_request_and_two_emails(
    client, form_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accompagnement/demande/", form_data)

    request = DiagnosticRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith("/accompagnement/demande/envoyee/?demande=")
    assert request.commune.nom == "Lalouvesc" and request.population == 388 and request.status == Status.NEW
    assert [m.to for m in mailoutbox] == [["secretariat@mairie-exemple.fr"], ["contactincubateur@anct.gouv.fr"]]
    link = re.search(r"https?://\S+?(/accompagnement/suivi/\S+/)", mailoutbox[0].body)
    assert link and request.reference in mailoutbox[0].subject
    assert client.get(link.group(1)).status_code == 200
    confirmation = client.get(response["Location"]).content.decode()
    assert f"<strong>{request.reference}</strong>" in confirmation
    assert "secretariat@mairie-exemple.fr" not in confirmation


def test_reference_looks_like_the_programmes(submitted):
    assert re.fullmatch(rf"ANSM-{submitted.created_at.year}-\d{{5}}", submitted.reference)


def test_double_post_makes_one_request(client, form_data, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/accompagnement/demande/", form_data)
        second = client.post("/accompagnement/demande/", form_data)

    assert DiagnosticRequest.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert len(mailoutbox) == 2


def test_an_open_request_for_the_same_territory_is_shown_not_duplicated(client, form_data, submitted, mailoutbox):
    form_data.update(submission_key="5b5b7d2e-0b7e-4f5e-9a54-6c2a4a3f0d11", email="adjoint@mairie-exemple.fr")

    response = client.post("/accompagnement/demande/", form_data)

    html = unescape(response.content.decode())
    assert DiagnosticRequest.objects.count() == 1
    assert "Une demande est déjà en cours pour Lalouvesc (Ardèche, 07)" in html and "Renvoyer le lien de suivi" in html
    # A stranger learns nothing more: not the reference, not the status, not the requester's address.
    assert submitted.reference not in html and f"{submitted.pk:05d}" not in html
    assert "en qualification" not in html and "(nouvelle)" not in html
    assert "secretariat@mairie-exemple.fr" not in html


def test_the_follow_up_link_is_sent_again_to_the_address_on_file_and_the_old_one_still_works(
    client, form_data, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    form_data.update(submission_key="5b5b7d2e-0b7e-4f5e-9a54-6c2a4a3f0d11", email="inconnu@exemple.fr")
    signed = client.post("/accompagnement/demande/", form_data).context["existing_signed"]
    old_link = re.search(r"/accompagnement/suivi/\S+/", mailoutbox[0].body).group(0)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accompagnement/demande/lien/", {"demande": signed}, follow=True)

    new_link = re.search(r"/accompagnement/suivi/\S+/", mailoutbox[-1].body).group(0)
    assert "vient d'être envoyé" in unescape(response.content.decode())
    assert mailoutbox[-1].to == ["secretariat@mairie-exemple.fr"]
    assert new_link != old_link
    assert client.get(new_link).status_code == 200
    assert client.get(old_link).status_code == 200  # the link in use keeps working


def test_the_follow_up_link_is_sent_again_at_most_once_per_quarter_hour(
    client, form_data, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    form_data["submission_key"] = "5b5b7d2e-0b7e-4f5e-9a54-6c2a4a3f0d11"
    signed = client.post("/accompagnement/demande/", form_data).context["existing_signed"]
    sent_before = len(mailoutbox)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accompagnement/demande/lien/", {"demande": signed})
            second = client.post("/accompagnement/demande/lien/", {"demande": signed}, follow=True)
        traveller.shift(timedelta(minutes=16))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accompagnement/demande/lien/", {"demande": signed})

    assert "il y a moins de 15 minutes" in unescape(second.content.decode())
    assert len(mailoutbox) == sent_before + 2


def test_a_forged_resend_value_is_a_404(client, submitted):
    response = client.post("/accompagnement/demande/lien/", {"demande": str(submitted.pk)})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "population"),
    [
        ("commune", "07010", "16"),  # Annonay: 16 000 inhabitants and more
        ("commune", "38061", "3\u202f500"),  # La Buisse: exactly at the threshold
        ("epci", "200029999", "15\u202f017"),  # CC Rives de l'Ain - Pays du Cerdon
    ],
)
def test_territories_at_or_above_the_thresholds_are_refused_with_their_population(
    client, form_data, field, value, population
):
    form_data.update({"commune": "", "epci": "", field: value})

    response = client.post("/accompagnement/demande/", form_data)

    html = response.content.decode()
    assert response.status_code == 400
    assert population in html and "réservé aux" in html
    assert DiagnosticRequest.objects.count() == 0


def test_the_largest_eligible_epci_is_accepted(client, form_data):
    form_data.update({"commune": "", "epci": "200070332"})  # CC des Savoir-Faire, 14 981

    assert client.post("/accompagnement/demande/", form_data).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"commune": "", "epci": ""}, "commune", "Indiquez la commune ou l'intercommunalité"),
        ({"epci": "200070332"}, "commune", "pas les deux"),
        ({"commune": "00000"}, "commune", "Aucune commune ne correspond"),
        ({"commune": "saint"}, "commune", "Plus de 10 communes correspondent"),
        ({"email": "pas-une-adresse"}, "email", "Adresse électronique invalide"),
        ({"phone": "12"}, "phone", "Numéro de téléphone invalide"),
        ({"needs": "trop court"}, "needs", "au moins 20 caractères"),
        ({"needs": "x" * 100_000}, "needs", "5000"),
        ({"themes": []}, "themes", "Choisissez au moins une thématique"),
        ({"themes": ["inconnue"]}, "themes", "Thématique inconnue"),
        ({"services": ["inconnu"]}, "services", "Service inconnu"),
        ({"role": "roi"}, "role", "Sélectionnez un choix valide"),
        ({"consent": ""}, "consent", "Cochez cette case"),
        ({"first_name": "x" * 1000}, "first_name", "100 caractères"),
        ({"submission_key": "pas-un-uuid"}, "submission_key", "UUID"),
    ],
)
def test_bad_inputs_give_the_form_back_with_french_errors_and_save_nothing(client, form_data, changes, field, message):
    form_data.update(changes)

    response = client.post("/accompagnement/demande/", form_data)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert message in html
    assert "<title>Erreur – Demander un accompagnement" in html
    assert 'id="resume-erreurs"' in html
    assert DiagnosticRequest.objects.count() == 0


@pytest.mark.parametrize(
    "payload", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00\x01", "😀" * 30]
)
def test_markup_in_every_field_is_harmless(client, form_data, payload, django_capture_on_commit_callbacks):
    for field in ("first_name", "last_name", "needs", "commune", "epci", "email", "phone"):
        data = {**form_data, field: payload + (" besoin réel et détaillé" if field == "needs" else "")}

        response = client.post("/accompagnement/demande/", data)

        assert response.status_code in (302, 400)
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_honeypot_saves_nothing_and_looks_like_success(client, form_data, mailoutbox):
    form_data["website"] = "http://spam.example"

    response = client.post("/accompagnement/demande/", form_data)

    assert response.status_code == 302
    assert DiagnosticRequest.objects.count() == 0 and mailoutbox == []


def test_get_parameters_prefill_the_form(client, demo):
    response = client.get("/accompagnement/demande/", {"commune": "07128", "service": "grist"})

    form = response.context["form"]
    assert form.initial["commune"] == "Lalouvesc (07128)"
    assert [s.slug for s in form.initial["services"]] == ["grist"]
    assert 'value="Lalouvesc (07128)"' in response.content.decode()


def test_the_form_works_without_javascript_by_name_or_postal_code(client, form_data):
    form_data["commune"] = "Lalouvesc"

    assert client.post("/accompagnement/demande/", form_data).status_code == 302
    assert DiagnosticRequest.objects.get().commune_id == "07128"


def test_the_public_form_is_rate_limited_on_what_it_saves_not_on_errors(client, form_data, settings):
    settings.ANSM_POSTS_PER_HOUR = 1
    wrong = {**form_data, "needs": "court"}
    for _ in range(3):
        assert client.post("/accompagnement/demande/", wrong).status_code == 400
    assert client.post("/accompagnement/demande/", form_data).status_code == 302

    response = client.post("/accompagnement/demande/", {**form_data, "commune": "07001", "submission_key": ""})

    page = unescape(response.content.decode())
    assert response.status_code == 429
    assert "Trop de demandes" in page and "ce dernier envoi n’a pas été enregistré" in page
    assert "bien arrivé" not in page
    assert DiagnosticRequest.objects.count() == 1


def test_an_smtp_failure_loses_nothing(client, form_data, settings, caplog, django_capture_on_commit_callbacks):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accompagnement/demande/", form_data)

    assert response.status_code == 302
    assert DiagnosticRequest.objects.count() == 1
    assert "abandoned after 5 attempts" in caplog.text
    assert Event.objects.filter(kind=Event.Kind.STATUS).count() == 1


@pytest.mark.usefixtures("demo")
def test_the_words_typed_in_an_empty_catalogue_search_prefill_the_needs(client):
    response = client.get("/accompagnement/demande/", {"besoin": "gestion du cimetière"})

    assert response.status_code == 200
    assert response.context["form"].initial["needs"] == "gestion du cimetière"
    assert "gestion du cimetière</textarea>" in response.content.decode()


@pytest.mark.usefixtures("demo")
def test_a_stopped_service_is_not_offered_in_the_request_form(client):
    response = client.get("/accompagnement/demande/", {"service": "comobi"})

    assert "comobi" not in [service.slug for service in response.context["form"].fields["services"].queryset]
    assert "services" not in response.context["form"].initial
