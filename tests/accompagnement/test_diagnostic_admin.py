"""The diagnostic in the request's admin page: needs with their services, publication, the requester's answers."""

import importlib
from datetime import timedelta
from html import unescape

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.utils import timezone

from accompagnement import workflow
from accompagnement.models import Answer, DiagnosticNeed, DiagnosticRequest, Event, Recommendation, Status
from accompagnement.purge import purge_requests
from tests.accompagnement.factories import saved_request
from tests.catalogue.factories import ServiceFactory, ThematiqueFactory
from tests.conftest import login_with_second_factor


@pytest.fixture
def scheduled(territories):
    request, _ = saved_request(status=Status.SCHEDULED)
    return request


def change_url(request):
    return f"/admin/accompagnement/diagnosticrequest/{request.pk}/change/"


def publish_url(request):
    return f"/admin/accompagnement/diagnosticrequest/{request.pk}/diagnostic/publier/"


def need_payload(client, request, needs: list[dict], initial: int = 0, **data) -> dict:
    form = client.get(change_url(request)).context["adminform"].form
    payload = {
        "loaded_at": form.initial["loaded_at"],
        "assignee": "",
        "diagnostic_needs-TOTAL_FORMS": len(needs),
        "diagnostic_needs-INITIAL_FORMS": initial,
        **data,
    }
    for index, need in enumerate(needs):
        payload.update({f"diagnostic_needs-{index}-{key}": value for key, value in need.items()})
    return payload


def test_a_chargee_records_needs_with_published_services_and_the_trail_says_so(client, chargee, scheduled):
    login_with_second_factor(client, chargee)
    theme = ThematiqueFactory(name="Données et cartes", slug="donnees-cartes")
    grist = ServiceFactory(name="Grist", is_published=True)
    hidden = ServiceFactory(name="Brouillon", is_published=False)
    need = {"label": "Tableaux partagés", "thematique": theme.pk, "priority": "haute", "services": [grist.pk]}

    client.post(change_url(scheduled), need_payload(client, scheduled, [need]))
    refused = client.post(change_url(scheduled), need_payload(client, scheduled, [need | {"services": [hidden.pk]}]))

    saved = DiagnosticNeed.objects.get(request=scheduled)
    assert (saved.label, saved.priority) == ("Tableaux partagés", "haute")
    assert list(saved.recommendations.values_list("service__name", flat=True)) == ["Grist"]
    edit = scheduled.events.get(kind=Event.Kind.EDIT)
    assert edit.author == chargee
    assert edit.changes == {"besoin « Tableaux partagés »": ["", f"priorité haute, {theme.name} ; services : Grist"]}
    assert refused.status_code == 200 and "Sélectionnez un choix valide" in unescape(refused.content.decode())


def test_a_recommendation_the_requester_answered_cannot_be_removed(client, chargee, scheduled):
    login_with_second_factor(client, chargee)
    theme = ThematiqueFactory()
    grist = ServiceFactory(name="Grist", is_published=True)
    need = DiagnosticNeed.objects.create(request=scheduled, label="Tableaux", thematique=theme)
    Recommendation.objects.create(need=need, service=grist, answer=Answer.NOT_KEPT)
    row = {"id": need.pk, "request": scheduled.pk, "label": "Tableaux", "thematique": theme.pk, "priority": "moyenne"}

    response = client.post(change_url(scheduled), need_payload(client, scheduled, [row | {"services": []}], initial=1))

    assert "Le demandeur a déjà répondu au sujet de : Grist." in unescape(response.content.decode())
    assert need.recommendations.count() == 1


def test_the_publication_page_shows_what_the_requester_will_read_then_publishes(
    client, chargee, scheduled, mailoutbox, django_capture_on_commit_callbacks
):
    login_with_second_factor(client, chargee)
    scheduled.diagnostic_summary = "Synthèse."
    scheduled.save()
    need = DiagnosticNeed.objects.create(
        request=scheduled, label="Tableaux", thematique=ThematiqueFactory(), internal_note="Entre nous"
    )

    preview = unescape(client.get(publish_url(scheduled)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(publish_url(scheduled), follow=True)

    assert "Votre diagnostic" in preview and need.label in preview and "Entre nous" not in preview
    assert "Le diagnostic est publié" in unescape(response.content.decode())
    assert "Publié le" in unescape(response.content.decode())
    assert mailoutbox[-1].to == [scheduled.email]
    scheduled.refresh_from_db()
    assert scheduled.status == Status.DIAGNOSED


def test_the_publication_page_says_what_is_missing(client, chargee, scheduled):
    login_with_second_factor(client, chargee)

    response = client.post(publish_url(scheduled))

    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert "Écrivez la synthèse du diagnostic." in page and "Ajoutez au moins un besoin." in page


def test_an_account_that_may_only_read_cannot_publish(client, scheduled, django_user_model):
    # A transactional test run before may have flushed the permissions: the migration's helper creates them again.
    importlib.import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    reader = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_diagnosticrequest"))
    login_with_second_factor(client, reader)

    assert client.post(publish_url(scheduled)).status_code == 403


def test_staff_see_the_answers_with_a_link_to_the_usage(client, chargee, scheduled):
    login_with_second_factor(client, chargee)
    scheduled.diagnostic_summary = "Synthèse."
    scheduled.save()
    grist = ServiceFactory(name="Grist", is_published=True)
    need = DiagnosticNeed.objects.create(request=scheduled, label="Tableaux", thematique=ThematiqueFactory())
    recommendation = Recommendation.objects.create(need=need, service=grist)
    workflow.publish_diagnostic(scheduled.pk, by=chargee)
    recommendation, _ = workflow.answer_recommendation(
        scheduled.pk, recommendation.pk, answer=Answer.DEPLOYED, use_case="Suivi des travaux"
    )

    page = unescape(client.get(change_url(scheduled)).content.decode())

    assert "Suivi des travaux" in page and "nous l'avons déployé" in page
    assert f"/admin/catalogue/deployment/{recommendation.deployment.pk}/change/" in page
    assert "Réponse du demandeur à une recommandation" in page


def test_the_usages_list_finds_the_usage_by_the_request_reference(client, chargee, admin_user, scheduled):
    scheduled.diagnostic_summary = "Synthèse."
    scheduled.save()
    grist = ServiceFactory(name="Grist", is_published=True)
    need = DiagnosticNeed.objects.create(request=scheduled, label="Tableaux", thematique=ThematiqueFactory())
    recommendation = Recommendation.objects.create(need=need, service=grist)
    workflow.publish_diagnostic(scheduled.pk, by=chargee)
    workflow.answer_recommendation(scheduled.pk, recommendation.pk, answer=Answer.DEPLOYED)
    login_with_second_factor(client, admin_user)

    page = unescape(client.get("/admin/catalogue/deployment/", {"q": scheduled.reference}).content.decode())

    assert f"demande {scheduled.reference}" in page and "suite d'un diagnostic ANSM" in page and "à vérifier" in page


def test_the_purge_keeps_needs_and_answers_but_erases_their_free_texts(chargee, scheduled):
    need = DiagnosticNeed.objects.create(
        request=scheduled,
        label="Tableaux",
        thematique=ThematiqueFactory(),
        comment="Voir M. Dupont",
        internal_note="x",
    )
    Recommendation.objects.create(need=need, service=ServiceFactory(), answer=Answer.NOT_KEPT, reason="Mme Martin")
    DiagnosticRequest.objects.filter(pk=scheduled.pk).update(
        status=Status.CLOSED, updated_at=timezone.now() - timedelta(days=800)
    )

    purge_requests(older_than_months=12)

    need.refresh_from_db()
    assert (need.label, need.comment, need.internal_note) == ("Tableaux", "", "")
    assert need.recommendations.get().reason == "" and need.recommendations.get().answer == Answer.NOT_KEPT
