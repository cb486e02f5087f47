import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from catalogue import usage_workflow
from catalogue.models import Deployment, UsageDeclaration, UsageOrigin, UsageState
from territoires.models import Commune
from tests.catalogue.factories import DeploymentFactory, ServiceFactory

pytestmark = pytest.mark.usefixtures("territories")

PARIS = timezone.get_fixed_timezone(60)


def _declaration(service, **values):
    declaration, token = usage_workflow.declare_usage(
        service=service,
        kind=values.pop("kind", UsageDeclaration.Kind.USES),
        body={"commune": values.pop("commune", None) or _commune("38185")},
        email="numerique@grenoble.fr",
        **values,
    )
    return declaration, token


def _commune(code):
    return Commune.objects.get(code_insee=code)


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert usage_workflow.months_before(datetime(2026, 3, 31, tzinfo=PARIS), 1) == datetime(2026, 2, 28, tzinfo=PARIS)
    assert usage_workflow.months_before(datetime(2026, 12, 2, tzinfo=PARIS), 24) == datetime(2024, 12, 2, tzinfo=PARIS)


def test_staff_verification_publishes_a_pending_usage_and_writes_the_trail(admin_user):
    deployment = DeploymentFactory(state=UsageState.PENDING, confirmed_at=None)

    usage_workflow.verify_deployment(deployment.pk, by=admin_user)

    deployment.refresh_from_db()
    assert deployment.state == UsageState.PUBLISHED
    assert deployment.verified_by == admin_user and deployment.confirmed_at is not None
    change = deployment.changes.get()
    assert (change.old_state, change.new_state, change.author, change.note) == (
        "pending",
        "published",
        admin_user,
        "vérifiée",
    )


def test_a_refused_usage_cannot_be_published_and_says_why(admin_user):
    deployment = DeploymentFactory(state=UsageState.PENDING)
    usage_workflow.reject_deployment(deployment.pk, by=admin_user)

    with pytest.raises(usage_workflow.UsageActionRefused, match="a été refusée"):
        usage_workflow.verify_deployment(deployment.pk, by=admin_user)


def test_expiry_asks_for_confirmation_after_24_months_then_hides(client):
    with time_machine.travel(datetime(2024, 1, 15, 12, tzinfo=PARIS), tick=False):
        deployment = DeploymentFactory(other_body="Mairie de test")
    service_page = f"/services/{deployment.service.slug}/"

    with time_machine.travel(datetime(2026, 1, 14, 12, tzinfo=PARIS), tick=False):
        call_command("expire_deployments")
        still_published = Deployment.objects.get(pk=deployment.pk).state
    with time_machine.travel(datetime(2026, 1, 16, 12, tzinfo=PARIS), tick=False):
        call_command("expire_deployments")
        asked = Deployment.objects.get(pk=deployment.pk).state
        html_asked = client.get(service_page).content.decode()
    with time_machine.travel(datetime(2026, 4, 16, 12, tzinfo=PARIS), tick=False):
        call_command("expire_deployments")
        hidden = Deployment.objects.get(pk=deployment.pk).state
        html_hidden = client.get(service_page).content.decode()

    assert (still_published, asked, hidden) == ("published", "to_confirm", "hidden")
    assert "Mairie de test" in html_asked and "à confirmer" in html_asked
    assert "Mairie de test" not in html_hidden
    assert [c.new_state for c in deployment.changes.order_by("at")] == ["to_confirm", "hidden"]
    assert all(c.actor == "expiration automatique" for c in deployment.changes.all())


def test_staff_confirmation_restarts_the_24_month_clock(admin_user):
    deployment = DeploymentFactory(state=UsageState.TO_CONFIRM, confirmed_at=timezone.now() - timedelta(days=800))

    usage_workflow.verify_deployment(deployment.pk, by=admin_user)

    deployment.refresh_from_db()
    assert deployment.state == UsageState.PUBLISHED
    assert timezone.now() - deployment.confirmed_at < timedelta(minutes=1)
    assert usage_workflow.expire_deployments() == (0, 0, 0)


def test_an_unconfirmed_declaration_is_deleted_after_30_days():
    service = ServiceFactory()
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old, _ = _declaration(service)
    recent, _ = _declaration(service)

    call_command("expire_deployments")

    assert list(UsageDeclaration.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_decided_declaration_and_its_address_go_a_year_after_the_decision_and_the_usage_stays(admin_user):
    service = ServiceFactory()
    with time_machine.travel(timezone.now() - timedelta(days=370)):
        accepted, token = _declaration(service)
        usage_workflow.confirm_declaration_email(token)
        deployment = usage_workflow.accept_declaration(accepted.pk, by=admin_user)
        refused, token = _declaration(service)
        usage_workflow.confirm_declaration_email(token)
        usage_workflow.reject_declaration(refused.pk, by=admin_user)
    recent, token = _declaration(service)
    usage_workflow.confirm_declaration_email(token)
    usage_workflow.accept_declaration(recent.pk, by=admin_user)

    call_command("expire_deployments")

    assert list(UsageDeclaration.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not UsageDeclaration.objects.filter(email="numerique@grenoble.fr").exclude(pk=recent.pk).exists()
    deployment.refresh_from_db()
    assert deployment.state == UsageState.PUBLISHED and deployment.changes.exists()


def test_a_declaration_is_sent_to_staff_only_once_its_address_is_confirmed(admin_user):
    service = ServiceFactory()
    declaration, token = _declaration(service)

    with pytest.raises(usage_workflow.UsageActionRefused, match="pas à vérifier"):
        usage_workflow.accept_declaration(declaration.pk, by=admin_user)
    usage_workflow.confirm_declaration_email(token)
    usage_workflow.confirm_declaration_email(token)

    declaration.refresh_from_db()
    assert declaration.status == UsageDeclaration.Status.TO_REVIEW
    assert token not in declaration.token_hash and len(declaration.token_hash) == 64


def test_accepting_a_declaration_publishes_a_usage_keyed_on_the_insee_code(admin_user):
    service = ServiceFactory()
    declaration, token = _declaration(
        service, since=datetime(2022, 3, 1).date(), use_case="Salles municipales", contact="numerique@grenoble.fr"
    )
    usage_workflow.confirm_declaration_email(token)

    deployment = usage_workflow.accept_declaration(declaration.pk, by=admin_user)

    assert deployment.commune_id == "38185" and deployment.departement_id == "38"
    assert deployment.official_code == "38185"
    assert (deployment.origin, deployment.state, deployment.use_case) == (
        UsageOrigin.DECLARATION,
        UsageState.PUBLISHED,
        "Salles municipales",
    )
    assert deployment.changes.get().actor == "déclaration vérifiée par l'équipe"
    declaration.refresh_from_db()
    assert declaration.status == UsageDeclaration.Status.ACCEPTED and declaration.deployment == deployment


def test_a_stopped_declaration_ends_the_existing_usage_with_its_reason(admin_user):
    service = ServiceFactory()
    existing = DeploymentFactory(service=service, commune_id="38185", departement_id="38", other_body="")
    declaration, token = _declaration(
        service, kind=UsageDeclaration.Kind.STOPPED, stop_reason="Remplacé par l'outil de la métropole."
    )
    usage_workflow.confirm_declaration_email(token)

    deployment = usage_workflow.accept_declaration(declaration.pk, by=admin_user)

    assert deployment.pk == existing.pk
    assert deployment.status == Deployment.Status.ENDED
    assert deployment.stop_reason == "Remplacé par l'outil de la métropole."
    assert deployment.changes.get().fields == {"status": ["active", "ended"]}


def test_a_usage_that_becomes_to_confirm_sends_the_staff_its_confirmation_link(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.STAFF_NOTIFICATION_EMAIL = "equipe@incubateur.example"
    with time_machine.travel(datetime(2024, 1, 15, 12, tzinfo=PARIS), tick=False):
        deployment = DeploymentFactory(other_body="Mairie de test")
        recent = DeploymentFactory(other_body="Mairie récente", confirmed_at=timezone.now() + timedelta(days=300))

    with time_machine.travel(datetime(2026, 1, 16, 12, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_deployments")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_deployments")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["equipe@incubateur.example"]
    assert message.subject == "1 utilisation à confirmer dans le catalogue"
    assert f"Mairie de test — {deployment.service.name}" in message.body
    assert f"/admin/catalogue/deployment/{deployment.pk}/change/" in message.body
    assert "/admin/catalogue/deployment/?state__exact=to_confirm" in message.body
    assert recent.other_body not in message.body


def test_a_commune_usage_declared_then_accepted_is_found_with_used_in_my_departement(client, admin_user):
    service = ServiceFactory(name="Service de test déclaré")
    declaration, token = _declaration(service, commune=_commune("38185"))
    usage_workflow.confirm_declaration_email(token)
    before = client.get("/services/", {"departement": "38"}).content.decode()

    usage_workflow.accept_declaration(declaration.pk, by=admin_user)

    after = client.get("/services/", {"departement": "38"}).content.decode()
    assert "Service de test déclaré" not in before
    assert "Service de test déclaré" in after
    assert re.search(r'<option value="38" selected>Isère \(38\) \(\d+\)</option>', after)
