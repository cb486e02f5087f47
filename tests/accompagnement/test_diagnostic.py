"""The diagnostic: needs and recommendations, publication through the workflow, the requester's answers."""

from html import unescape

import pytest

from accompagnement import diagnostic, workflow
from accompagnement.models import Answer, DiagnosticNeed, Event, Priority, Recommendation, Status
from catalogue.models import Deployment, UsageOrigin, UsageState
from tests.accompagnement.factories import saved_request
from tests.catalogue.factories import DeploymentFactory, ServiceFactory, ThematiqueFactory


@pytest.fixture
def diagnosed(territories, chargee):
    """A request of Lalouvesc at "diagnostic planifié", with two needs (one high, one low) and three services."""
    request, token = saved_request(status=Status.SCHEDULED, diagnostic_summary="Deux chantiers, un urgent.")
    theme = ThematiqueFactory(name="Données et cartes", slug="donnees-cartes")
    grist = ServiceFactory(name="Grist", slug="grist", is_published=True)
    agenda = ServiceFactory(name="Agenda partagé", slug="agenda", is_published=True)
    hidden = ServiceFactory(name="Brouillon", slug="brouillon", is_published=False)
    low = DiagnosticNeed.objects.create(
        request=request,
        label="Agenda des salles",
        thematique=theme,
        priority=Priority.LOW,
        internal_note="Maire réticent",
    )
    high = DiagnosticNeed.objects.create(
        request=request,
        label="Tableaux partagés",
        thematique=theme,
        priority=Priority.HIGH,
        comment="À faire d'abord.",
    )
    diagnostic.set_recommendations(high, [grist, hidden])
    diagnostic.set_recommendations(low, [agenda])
    return request, token, grist, agenda


def follow_up(client, token):
    return client.get(f"/accompagnement/suivi/{token}/")


def answer_url(token, recommendation):
    return f"/accompagnement/suivi/{token}/recommandations/{recommendation.pk}/"


def recommendation_of(request, service):
    return Recommendation.objects.get(need__request=request, service=service)


def test_publishing_moves_a_planned_diagnostic_to_done_records_who_and_emails_the_requester(
    diagnosed, chargee, mailoutbox, django_capture_on_commit_callbacks
):
    request, _, _, _ = diagnosed

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish_diagnostic(request.pk, by=chargee)

    request.refresh_from_db()
    assert request.status == Status.DIAGNOSED and request.diagnostic_published_at
    published = request.events.get(kind=Event.Kind.DIAGNOSTIC)
    assert published.author == chargee and published.is_public
    assert mailoutbox[-1].subject == f"Votre diagnostic {request.reference} est disponible"
    assert "Tableaux partagés (priorité haute)" in mailoutbox[-1].body
    assert "/accompagnement/suivi/" in mailoutbox[-1].body


def test_a_diagnostic_without_summary_or_need_is_not_published(diagnosed, chargee):
    request, _, _, _ = diagnosed
    request.diagnostic_summary = ""
    request.save()
    request.diagnostic_needs.all().delete()

    with pytest.raises(workflow.DiagnosticNotPublishable) as refused:
        workflow.publish_diagnostic(request.pk, by=chargee)

    assert refused.value.problems == ["Écrivez la synthèse du diagnostic.", "Ajoutez au moins un besoin."]
    request.refresh_from_db()
    assert request.diagnostic_published_at is None and request.status == Status.SCHEDULED


def test_a_new_request_cannot_have_its_diagnostic_published(territories, chargee):
    request, _ = saved_request(diagnostic_summary="x")
    DiagnosticNeed.objects.create(request=request, label="x", thematique=ThematiqueFactory())

    with pytest.raises(workflow.DiagnosticNotPublishable, match="un diagnostic se publie au statut"):
        workflow.publish_diagnostic(request.pk, by=chargee)


def test_the_follow_up_page_shows_nothing_of_the_diagnostic_before_it_is_published(client, diagnosed):
    _, token, _, _ = diagnosed

    page = unescape(follow_up(client, token).content.decode())

    assert "Votre diagnostic" not in page and "Tableaux partagés" not in page and "Deux chantiers" not in page


def test_the_published_diagnostic_lists_needs_by_priority_with_links_and_no_internal_note(client, diagnosed, chargee):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)

    response = follow_up(client, token)

    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert page.index("Tableaux partagés") < page.index("Agenda des salles")  # haute before basse
    assert "Priorité haute" in page and "À faire d'abord." in page and "Deux chantiers, un urgent." in page
    assert f'<a href="{grist.get_absolute_url()}">Grist</a>' in page
    assert "Brouillon" not in page  # unpublished service
    assert "Maire réticent" not in page


def test_a_deployed_answer_starts_a_usage_to_verify_keyed_on_the_commune(client, diagnosed, chargee):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    recommendation = recommendation_of(request, grist)
    prefix = f"recommandation-{recommendation.pk}"

    response = client.post(
        answer_url(token, recommendation),
        {f"{prefix}-answer": "deploye", f"{prefix}-since": "03/2025", f"{prefix}-use_case": "Suivi des travaux"},
        follow=True,
    )

    assert "est noté comme déployé" in unescape(response.content.decode())
    usage = Deployment.objects.get(service=grist)
    assert (usage.commune_id, usage.departement_id) == ("07128", "07")
    assert (usage.origin, usage.state) == (UsageOrigin.ANSM, UsageState.PENDING)
    assert usage.source == f"demande {request.reference}" and usage.use_case == "Suivi des travaux"
    assert str(usage.since) == "2025-03-01"
    assert request.reference in usage.changes.get().note
    assert not Deployment.objects.public().exists()  # never published before staff verify it
    recommendation.refresh_from_db()
    assert recommendation.answer == Answer.DEPLOYED and recommendation.deployment == usage


def test_the_same_deployed_answer_posted_twice_makes_one_usage(client, diagnosed, chargee):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    recommendation = recommendation_of(request, grist)
    data = {f"recommandation-{recommendation.pk}-answer": "deploye"}

    client.post(answer_url(token, recommendation), data)
    response = client.post(answer_url(token, recommendation), data, follow=True)

    assert "Cette réponse était déjà enregistrée." in unescape(response.content.decode())
    assert Deployment.objects.filter(service=grist).count() == 1
    assert request.events.filter(kind=Event.Kind.ANSWER).count() == 1


def test_a_usage_already_known_is_joined_not_duplicated(diagnosed, chargee):
    request, _, grist, _ = diagnosed
    known = DeploymentFactory(service=grist, commune_id="07128", departement_id="07", other_body="")
    workflow.publish_diagnostic(request.pk, by=chargee)

    recommendation, _ = workflow.answer_recommendation(
        request.pk, recommendation_of(request, grist).pk, answer=Answer.DEPLOYED
    )

    assert recommendation.deployment == known and Deployment.objects.filter(service=grist).count() == 1
    known.refresh_from_db()
    assert known.state == UsageState.PUBLISHED


def test_not_kept_with_a_reason_is_recorded_and_a_deployed_answer_cannot_be_taken_back(client, diagnosed, chargee):
    request, token, grist, agenda = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    kept_not = recommendation_of(request, agenda)
    deployed = recommendation_of(request, grist)
    workflow.answer_recommendation(request.pk, deployed.pk, answer=Answer.DEPLOYED)

    client.post(
        answer_url(token, kept_not),
        {f"recommandation-{kept_not.pk}-answer": "non_retenu", f"recommandation-{kept_not.pk}-reason": "Trop cher"},
    )
    response = client.post(
        answer_url(token, deployed), {f"recommandation-{deployed.pk}-answer": "non_retenu"}, follow=True
    )

    kept_not.refresh_from_db()
    assert (kept_not.answer, kept_not.reason) == (Answer.NOT_KEPT, "Trop cher")
    assert "Vous avez déjà indiqué que ce service est déployé" in unescape(response.content.decode())
    deployed.refresh_from_db()
    assert deployed.answer == Answer.DEPLOYED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Dites si votre collectivité a déployé ce service ou ne l'a pas retenu."),
        ({"answer": "peut-etre"}, "Choisissez « nous l'avons déployé » ou « pas retenu »."),
        ({"answer": "deploye", "since": "13/2024"}, "Indiquez un mois passé au format MM/AAAA"),
        ({"answer": "deploye", "since": "01/2999"}, "Indiquez un mois passé au format MM/AAAA"),
        ({"answer": "deploye", "use_case": "x" * 201}, "au plus 200 caractères"),
    ],
)
def test_a_bad_answer_gets_a_french_error_on_its_field_and_saves_nothing(client, diagnosed, chargee, data, error):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    recommendation = recommendation_of(request, grist)

    response = client.post(
        answer_url(token, recommendation), {f"recommandation-{recommendation.pk}-{k}": v for k, v in data.items()}
    )

    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert error in page and "<title>Erreur – " in page
    assert not Deployment.objects.exists()


def test_a_stranger_without_the_token_gets_404_and_a_get_is_refused(client, diagnosed, chargee):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    recommendation = recommendation_of(request, grist)
    data = {f"recommandation-{recommendation.pk}-answer": "deploye"}

    assert client.post(answer_url("pas-le-bon-lien", recommendation), data).status_code == 404
    assert (
        client.post(f"/accompagnement/suivi/{token}/recommandations/999999999999999999999/", data).status_code == 404
    )
    assert client.get(answer_url(token, recommendation)).status_code == 405
    assert not Deployment.objects.exists()


def test_an_unpublished_diagnostic_refuses_answers(client, diagnosed):
    request, token, grist, _ = diagnosed
    recommendation = recommendation_of(request, grist)

    response = client.post(
        answer_url(token, recommendation), {f"recommandation-{recommendation.pk}-answer": "deploye"}
    )

    assert response.status_code == 302
    assert not Deployment.objects.exists()


def test_a_withdrawn_request_shows_its_diagnostic_but_refuses_answers(client, diagnosed, chargee):
    request, token, grist, _ = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    workflow.withdraw_request(request.pk)
    recommendation = recommendation_of(request, grist)

    page = unescape(follow_up(client, token).content.decode())
    response = client.post(
        answer_url(token, recommendation), {f"recommandation-{recommendation.pk}-answer": "deploye"}, follow=True
    )

    assert "Tableaux partagés" in page and "Enregistrer ma réponse" not in page
    assert "ne peuvent plus recevoir de réponse" in unescape(response.content.decode())
    assert not Deployment.objects.exists()


def test_answers_are_rate_limited_like_the_other_public_forms(client, diagnosed, chargee, settings):
    settings.ANSM_POSTS_PER_HOUR = 1
    request, token, grist, agenda = diagnosed
    workflow.publish_diagnostic(request.pk, by=chargee)
    first, second = recommendation_of(request, grist), recommendation_of(request, agenda)

    client.post(answer_url(token, first), {f"recommandation-{first.pk}-answer": "non_retenu"})
    response = client.post(answer_url(token, second), {f"recommandation-{second.pk}-answer": "non_retenu"})

    assert response.status_code == 429
    second.refresh_from_db()
    assert second.answer == ""
