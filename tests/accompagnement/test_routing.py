"""Routing by département: a sector's chargé·es see its requests ("mon secteur"); a lone chargé·e gets them."""

from html import unescape

from django.test import Client

from accompagnement.models import DiagnosticRequest, Event, Sector
from tests.accompagnement.factories import saved_request
from tests.conftest import login_with_second_factor

LIST = "/admin/accompagnement/diagnosticrequest/"


def post_request(client, form_data, capture, **fields):
    with capture(execute=True):
        client.post("/accompagnement/demande/", {**form_data, **fields})
    return DiagnosticRequest.objects.latest("pk")


def sector(name: str, departements: list[str], members: list) -> Sector:
    created = Sector.objects.create(name=name)
    created.departements.set(departements)
    created.members.set(members)
    return created


def test_a_new_request_goes_to_the_one_chargee_of_its_sector(
    client, form_data, chargee, mailoutbox, django_capture_on_commit_callbacks
):
    sector("Auvergne-Rhône-Alpes sud", ["07", "26"], [chargee])

    request = post_request(client, form_data, django_capture_on_commit_callbacks)  # Lalouvesc, Ardèche
    login_with_second_factor(client, chargee)
    history = unescape(client.get(f"{LIST}{request.pk}/change/").content.decode())

    assert request.assignee == chargee
    assert [mail.to for mail in mailoutbox if request.reference in mail.subject and "Nouvelle" in mail.subject] == [
        ["chargee@anct.gouv.fr"]
    ]
    event = Event.objects.get(request=request, kind=Event.Kind.ASSIGNMENT)
    assert event.author is None
    assert "automatique (secteur du département) — Demande attribuée à Camille Martin." in history


def test_an_epci_request_is_routed_by_its_main_member_communes_departement(
    client, form_data, chargee, django_capture_on_commit_callbacks
):
    sector("Corse", ["2A", "2B"], [chargee])

    request = post_request(
        client, form_data, django_capture_on_commit_callbacks, commune="", epci="242000495"
    )  # CC de l'Alta Rocca, Corse-du-Sud

    assert request.epci_id == "242000495"
    assert request.assignee == chargee


def test_a_sector_of_several_chargees_shares_its_requests_in_mon_secteur(
    client, chargee, territories, django_user_model
):
    colleague = django_user_model.objects.create_user("alex", is_staff=True)
    outsider = django_user_model.objects.create_user("lou", is_staff=True)
    for user in (colleague, outsider):
        user.groups.set(chargee.groups.all())
    sector("Ardèche", ["07"], [chargee, colleague])
    ardeche, _ = saved_request()  # Lalouvesc (07)
    alpes, _ = saved_request(commune_id="04019", population=2616)  # Barcelonnette (04)
    epci, _ = saved_request(commune_id=None, epci_id="242000495", population=8983)  # Corse-du-Sud

    login_with_second_factor(client, colleague)
    mine = client.get(LIST, {"secteur": "mien"})
    login_with_second_factor(client, outsider)
    not_mine = client.get(LIST, {"secteur": "mien"})

    assert list(mine.context["cl"].result_list) == [ardeche]
    assert list(not_mine.context["cl"].result_list) == []
    assert alpes.assignee is None and epci.assignee is None


def test_a_request_outside_any_sector_or_in_a_shared_one_stays_unassigned(
    client, form_data, chargee, django_user_model, django_capture_on_commit_callbacks
):
    colleague = django_user_model.objects.create_user("alex", is_staff=True)
    sector("Ardèche", ["07"], [chargee, colleague])

    request = post_request(client, form_data, django_capture_on_commit_callbacks)

    assert request.assignee is None
    assert not Event.objects.filter(request=request, kind=Event.Kind.ASSIGNMENT).exists()


def test_only_an_administrator_sets_the_sectors(client, admin_user, chargee, territories):
    login_with_second_factor(client, chargee)
    refused = client.get("/admin/accompagnement/sector/add/")
    login_with_second_factor(client, admin_user)

    created = client.post(
        "/admin/accompagnement/sector/add/", {"name": "Ardèche", "departements": ["07"], "members": [chargee.pk]}
    )

    assert refused.status_code == 403
    assert created.status_code == 302
    assert list(Sector.objects.get(name="Ardèche").members.all()) == [chargee]


def test_a_bulk_reassignment_while_a_colleague_edits_makes_her_save_refused(
    client, chargee, territories, django_user_model
):
    colleague = django_user_model.objects.create_user("alex", is_staff=True, first_name="Alex", last_name="Petit")
    colleague.groups.set(chargee.groups.all())
    request, _ = saved_request()
    login_with_second_factor(client, chargee)
    opened = client.get(f"{LIST}{request.pk}/change/").context["adminform"].form.initial["loaded_at"]
    other = Client()
    login_with_second_factor(other, colleague)
    other.post(LIST, {"action": "assign_to", "_selected_action": [request.pk], "post": "oui", "chargee": colleague.pk})

    response = client.post(
        f"{LIST}{request.pk}/change/",
        {"loaded_at": opened, "assignee": chargee.pk, "diagnostic_summary": "Mon texte", "recommended_services": []},
    )

    assert response.status_code == 200
    assert "Cette demande a été modifiée par quelqu'un d'autre" in unescape(response.content.decode())
    request.refresh_from_db()
    assert (request.assignee, request.diagnostic_summary) == (colleague, "")
