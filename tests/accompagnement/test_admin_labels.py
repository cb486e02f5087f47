"""Labels on requests, shared or personal, put and taken off in bulk from the list, and the label filter."""

import importlib
from html import unescape

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from accompagnement import workflow
from accompagnement.models import Event, Label, RequestLabel
from tests.accompagnement.factories import saved_request
from tests.conftest import login_with_second_factor

LIST = "/admin/accompagnement/diagnosticrequest/"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def two_requests(territories):
    lalouvesc, _ = saved_request()
    barcelonnette, _ = saved_request(commune_id="04019", population=2616)
    return lalouvesc, barcelonnette


@pytest.fixture
def colleague(django_user_model, chargee):
    user = django_user_model.objects.create_user("alex", "alex@anct.gouv.fr", "x", is_staff=True, first_name="Alex")
    user.groups.add(Group.objects.get(name="Chargé·e d'accompagnement"))
    return user


def test_a_shared_label_is_put_on_a_selection_after_a_confirmation_page(client, chargee, two_requests):
    login_with_second_factor(client, chargee)
    selected = {"action": "add_label", "_selected_action": [request.pk for request in two_requests]}

    asked = client.post(LIST, selected)
    labelled_before_confirming = RequestLabel.objects.exists()
    done = client.post(LIST, {**selected, "post": "oui", "new_name": "Élus à rappeler", "shared": "on"}, follow=True)

    assert asked.status_code == 200
    assert "Ajouter une étiquette à 2 demande(s)" in text(asked)
    assert not labelled_before_confirming
    assert "Étiquette « Élus à rappeler » ajoutée à 2 demande(s)." in text(done)
    rows = RequestLabel.objects.select_related("label")
    assert {(row.label.name, row.label.owner, row.added_by) for row in rows} == {("Élus à rappeler", None, chargee)}
    events = Event.objects.filter(kind=Event.Kind.LABEL)
    assert sorted(event.request_id for event in events) == sorted(request.pk for request in two_requests)
    assert all(event.author == chargee for event in events)
    history = text(client.get(f"{LIST}{two_requests[0].pk}/change/"))
    assert "Camille Martin — Étiquette « Élus à rappeler » ajoutée." in history


def test_the_list_filters_on_a_label_and_shows_it(client, chargee, colleague, two_requests):
    shared = Label.objects.create(name="Élus à rappeler")
    RequestLabel.objects.create(request=two_requests[0], label=shared, added_by=colleague)
    login_with_second_factor(client, chargee)

    response = client.get(LIST, {"etiquette": shared.pk})
    unlabelled = client.get(LIST, {"etiquette": "aucune"})

    assert list(response.context["cl"].result_list) == [two_requests[0]]
    assert "Élus à rappeler" in text(response)
    assert list(unlabelled.context["cl"].result_list) == [two_requests[1]]


def test_a_personal_label_is_seen_by_its_owner_only_and_stays_out_of_the_history(
    client, chargee, colleague, two_requests
):
    login_with_second_factor(client, chargee)
    client.post(
        LIST,
        {"action": "add_label", "_selected_action": [two_requests[0].pk], "post": "oui", "new_name": "À relire"},
    )
    mine = Label.objects.get(name="À relire")

    own_view = client.get(LIST, {"etiquette": mine.pk})
    login_with_second_factor(client, colleague)
    other_view = client.get(LIST, {"etiquette": mine.pk})
    other_list = client.get(LIST)

    assert mine.owner == chargee
    assert list(own_view.context["cl"].result_list) == [two_requests[0]]
    assert list(other_view.context["cl"].result_list) == []
    assert "À relire" not in text(other_list)
    assert RequestLabel.objects.get(label=mine).added_by == chargee  # who and when, for the owner
    assert not Event.objects.filter(kind=Event.Kind.LABEL).exists()


def test_a_label_is_taken_off_in_bulk_and_the_history_says_who(client, chargee, two_requests):
    shared = Label.objects.create(name="Urgent")
    for request in two_requests:
        RequestLabel.objects.create(request=request, label=shared)
    login_with_second_factor(client, chargee)
    selected = {"action": "remove_label", "_selected_action": [two_requests[0].pk]}

    asked = client.post(LIST, selected)
    done = client.post(LIST, {**selected, "post": "oui", "label": shared.pk}, follow=True)

    assert "Retirer une étiquette de 1 demande(s)" in text(asked)
    assert "Étiquette « Urgent » retirée de 1 demande(s)." in text(done)
    assert list(RequestLabel.objects.values_list("request_id", flat=True)) == [two_requests[1].pk]
    event = Event.objects.get(kind=Event.Kind.LABEL)
    assert (event.request_id, event.author, event.changes) == (two_requests[0].pk, chargee, {"retirée": "Urgent"})


def test_a_confirmation_without_a_label_is_refused_in_french(client, chargee, two_requests):
    login_with_second_factor(client, chargee)

    response = client.post(LIST, {"action": "add_label", "_selected_action": [two_requests[0].pk], "post": "oui"})

    assert response.status_code == 400
    assert "Choisissez une étiquette de la liste, ou donnez le nom d'une nouvelle." in text(response)
    assert not RequestLabel.objects.exists()


def test_another_chargees_personal_label_cannot_be_applied(client, chargee, colleague, two_requests):
    theirs = Label.objects.create(name="Privé", owner=colleague)
    login_with_second_factor(client, chargee)

    response = client.post(
        LIST, {"action": "add_label", "_selected_action": [two_requests[0].pk], "post": "oui", "label": theirs.pk}
    )

    assert response.status_code == 400
    assert not RequestLabel.objects.exists()


def test_an_account_that_only_reads_cannot_label_nor_manage_labels(client, two_requests, django_user_model):
    importlib.import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    reader = django_user_model.objects.create_user("lecteur", "lecteur@anct.gouv.fr", "x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_diagnosticrequest"))
    login_with_second_factor(client, reader)

    offered = client.get(LIST).context["action_form"]
    client.post(
        LIST,
        {"action": "add_label", "_selected_action": [two_requests[0].pk], "post": "oui", "new_name": "Pirate"},
    )
    labels_page = client.get("/admin/accompagnement/label/")

    assert offered is None or "add_label" not in [value for value, _ in offered.fields["action"].choices]
    assert not Label.objects.exists()
    assert labels_page.status_code == 403


def test_the_group_renames_the_labels_it_sees(client, chargee, colleague):
    importlib.import_module("accompagnement.migrations.0008_labels_routing_reminders").grant_permissions(apps, None)
    shared = Label.objects.create(name="Urgnet")
    theirs = Label.objects.create(name="Privé", owner=colleague)
    login_with_second_factor(client, chargee)

    listing = client.get("/admin/accompagnement/label/")
    client.post(f"/admin/accompagnement/label/{shared.pk}/change/", {"name": "Urgent"})
    hidden = client.get(f"/admin/accompagnement/label/{theirs.pk}/change/")

    assert listing.status_code == 200 and "Urgnet" in text(listing) and "Privé" not in text(listing)
    shared.refresh_from_db()
    assert shared.name == "Urgent"
    assert hidden.status_code == 302  # "n'existe pas" for someone else's personal label


def test_the_request_page_shows_its_labels_with_who_put_them_and_when(client, chargee, colleague, two_requests):
    request = two_requests[0]
    with time_machine.travel("2026-05-04 09:30:00+02:00", tick=False):
        workflow.label_requests([request.pk], label=Label.objects.create(name="Urgent"), by=colleague)
    workflow.label_requests([request.pk], label=Label.objects.create(name="Privé", owner=colleague), by=colleague)
    login_with_second_factor(client, chargee)

    page = text(client.get(f"{LIST}{request.pk}/change/"))

    assert "Urgent — posée par Alex le 4 mai 2026 à 09:30" in page
    assert "Privé" not in page
