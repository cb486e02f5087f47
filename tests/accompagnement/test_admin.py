from html import unescape

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accompagnement.models import DiagnosticRequest, Event, Status
from tests.accompagnement.factories import NO_NEEDS
from tests.conftest import login_with_second_factor


def change_url(request):
    return f"/admin/accompagnement/diagnosticrequest/{request.pk}/change/"


def post_change(client, request, **data):
    page = client.get(change_url(request))
    form = page.context["adminform"].form
    payload = {"loaded_at": form.initial["loaded_at"], "assignee": "", **NO_NEEDS, **data}
    if data.get("new_status") or data.get("message_to_requester"):
        payload["_confirmer"] = "1"  # past the page where the e-mail is read before it leaves
    payload.update({f"events-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    return client.post(change_url(request), payload, follow=True)


def test_the_group_triages_requests_from_the_list(client, chargee, submitted):
    login_with_second_factor(client, chargee)

    response = client.get(
        "/admin/accompagnement/diagnosticrequest/", {"attribution": "aucun", "status__exact": "nouvelle"}
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert submitted.reference in html and "Lalouvesc" in html


def test_search_by_reference(client, chargee, submitted):
    login_with_second_factor(client, chargee)

    response = client.get("/admin/accompagnement/diagnosticrequest/", {"q": submitted.reference})

    assert submitted.reference in response.content.decode()


def test_staff_move_a_request_and_message_the_requester(
    client, chargee, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    login_with_second_factor(client, chargee)

    with django_capture_on_commit_callbacks(execute=True):
        post_change(
            client,
            submitted,
            new_status=Status.QUALIFYING,
            message_to_requester="Bonjour !",
            internal_note="RAS",
        )

    submitted.refresh_from_db()
    assert submitted.status == Status.QUALIFYING
    assert submitted.events.get(kind=Event.Kind.STATUS, new_status=Status.QUALIFYING).body == "Bonjour !"
    assert submitted.events.get(kind=Event.Kind.NOTE).body == "RAS"
    status_mails = [mail for mail in mailoutbox if "en qualification" in mail.subject]
    assert len(status_mails) == 1 and "Bonjour !" in status_mails[0].body
    assert all("RAS" not in mail.body for mail in mailoutbox)


def test_a_concurrent_edit_is_refused_not_overwritten(client, chargee, submitted):
    login_with_second_factor(client, chargee)
    page = client.get(change_url(submitted))
    stale = page.context["adminform"].form.initial["loaded_at"]
    colleague = DiagnosticRequest.objects.get(pk=submitted.pk)
    colleague.diagnostic_summary = "Écrit par un collègue"
    colleague.save()

    response = client.post(
        change_url(submitted),
        {"loaded_at": stale, "diagnostic_summary": "Mon texte", **NO_NEEDS},
    )

    assert "modifiée par quelqu'un d'autre" in unescape(response.content.decode())
    assert DiagnosticRequest.objects.get(pk=submitted.pk).diagnostic_summary == "Écrit par un collègue"


def test_field_edits_keep_old_and_new_values(client, chargee, submitted):
    login_with_second_factor(client, chargee)

    post_change(client, submitted, diagnostic_summary="Trois besoins prioritaires.")

    edit = submitted.events.get(kind=Event.Kind.EDIT)
    assert edit.changes == {"diagnostic_summary": ["", "Trois besoins prioritaires."]}
    assert edit.author == chargee
    page = unescape(client.get(change_url(submitted)).content.decode())
    assert "Modification — synthèse du diagnostic : « vide » → « Trois besoins prioritaires. »." in page


def test_nobody_deletes_a_request(admin_client, submitted):
    assert admin_client.get(f"/admin/accompagnement/diagnosticrequest/{submitted.pk}/delete/").status_code == 403


def test_export_is_excel_friendly(admin_client, submitted):
    response = admin_client.post(
        "/admin/accompagnement/diagnosticrequest/", {"action": "export_csv", "_selected_action": [submitted.pk]}
    )

    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeffréférence;territoire")
    assert submitted.reference in content


def test_non_staff_never_reach_the_admin(client, submitted, django_user_model):
    user = django_user_model.objects.create_user("habitant", "h@x.fr", "x")
    client.force_login(user)

    response = client.get("/admin/accompagnement/diagnosticrequest/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_dashboard_counts_by_status_region_and_month_and_lists_untouched_requests(client, chargee, submitted):
    login_with_second_factor(client, chargee)

    response = client.get("/admin/accompagnement/diagnosticrequest/tableau-de-bord/")

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert ("nouvelle", 1, "?status__exact=nouvelle") in response.context["by_status"]
    assert response.context["by_region"][0] == {"region": "Auvergne-Rhône-Alpes", "n": 1, "link": "?region=84"}
    assert submitted.reference in html
    assert 'href="/admin/accompagnement/diagnosticrequest/?region=84">1</a>' in html


def test_dashboard_is_staff_only(client, submitted):
    assert client.get("/admin/accompagnement/diagnosticrequest/tableau-de-bord/").status_code == 302


def test_bulk_move_applies_allowed_transitions_and_reports_the_others(client, chargee, submitted):
    login_with_second_factor(client, chargee)
    url = "/admin/accompagnement/diagnosticrequest/"

    confirmed = {"action": "move_to_qualification", "_selected_action": [submitted.pk], "post": "oui"}
    first = client.post(url, confirmed, follow=True)
    again = client.post(url, confirmed, follow=True)

    assert "1 demande(s) passée(s)" in unescape(first.content.decode())
    assert "1 demande(s) ignorée(s)" in unescape(again.content.decode())
    assert submitted.events.filter(new_status=Status.QUALIFYING).count() == 1


def test_the_assignee_list_offers_only_active_members_of_the_triage_group(client, chargee, submitted, admin_user):
    users = get_user_model().objects
    group = Group.objects.get(name="Chargé·e d'accompagnement")
    former = users.create_user("ancienne", "ancienne@anct.gouv.fr", "x", is_staff=True, is_active=False)
    former.groups.add(group)
    users.create_user("autre", "autre@anct.gouv.fr", "x", is_staff=True)
    login_with_second_factor(client, chargee)

    page = client.get(change_url(submitted))

    offered = {user.username for user in page.context["adminform"].form.fields["assignee"].queryset}
    assert offered == {"chargee"}
    assert admin_user.username not in offered
