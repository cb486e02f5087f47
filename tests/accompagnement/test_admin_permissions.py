"""What each staff group may do in the admin, action by action (the triage group reads the catalogue only)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accompagnement.models import DiagnosticRequest, Event, Status
from catalogue.models import Service
from tests.accompagnement.factories import saved_request
from tests.conftest import login_with_second_factor

GROUP = "Chargé·e d'accompagnement"


@pytest.fixture
def chargee(db):
    importlib.import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    user = get_user_model().objects.create_user("chargee", "chargee@anct.gouv.fr", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def reader(db):
    """A staff account that may only read the requests (no group)."""
    # A transactional test run before may have flushed the permissions: the migration's helper creates them again.
    importlib.import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    user = get_user_model().objects.create_user("lecteur", "lecteur@anct.gouv.fr", "x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_diagnosticrequest"))
    return user


def _action(client, url, action, pks, **confirmation):
    return client.post(url, {"action": action, "_selected_action": pks, "index": 0, **confirmation}, follow=True)


def _actions_offered(client, url):
    form = client.get(url).context["action_form"]  # None when no action is allowed at all
    return [value for value, _ in form.fields["action"].choices] if form else []


def test_the_triage_group_triages_requests_but_cannot_publish_or_unpublish_services(client, chargee, demo):
    request, _ = saved_request()
    grist = Service.objects.get(slug="grist")
    login_with_second_factor(client, chargee)

    _action(client, "/admin/catalogue/service/", "unpublish", [grist.pk])
    _action(client, "/admin/accompagnement/diagnosticrequest/", "move_to_qualification", [request.pk], post="oui")

    assert Service.objects.get(pk=grist.pk).is_published is True
    assert not {"publish", "unpublish"} & set(_actions_offered(client, "/admin/catalogue/service/"))
    assert DiagnosticRequest.objects.get(pk=request.pk).status == Status.QUALIFYING
    assert client.get("/admin/accompagnement/diagnosticrequest/tableau-de-bord/").status_code == 200
    assert client.get(f"/admin/catalogue/service/{grist.pk}/change/").context["has_change_permission"] is False


def test_an_account_that_only_reads_requests_cannot_move_assign_or_message(client, reader, demo):
    request, _ = saved_request()
    login_with_second_factor(client, reader)
    url = "/admin/accompagnement/diagnosticrequest/"

    offered = _actions_offered(client, url)
    _action(client, url, "move_to_qualification", [request.pk], post="oui")
    _action(client, url, "assign_to_me", [request.pk])
    _action(client, url, "assign_to", [request.pk], post="oui", chargee=reader.pk)

    assert "export_csv" in offered and "assign_to_me" not in offered and "move_to_qualification" not in offered
    assert "assign_to" not in offered
    stored = DiagnosticRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.assignee) == (Status.NEW, None)
    assert not Event.objects.filter(request=request).exists()


def test_a_superuser_may_publish_services(admin_client, demo):
    grist = Service.objects.get(slug="grist")

    _action(admin_client, "/admin/catalogue/service/", "unpublish", [grist.pk])

    assert Service.objects.get(pk=grist.pk).is_published is False
