"""The chargé·es' list of requests, read on a 1280-pixel-wide screen."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings

from accompagnement import workflow
from accompagnement.models import Label
from tests.accompagnement.factories import saved_request
from tests.browser.staff import sign_in

LONG_NAMES = {"07262": 183, "14621": 536, "21433": 381, "34317": 210}


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_at_1280_pixels_every_column_of_the_list_is_readable(browser, live_server, territories):
    from importlib import import_module

    from django.apps import apps

    import_module("accompagnement.migrations.0002_staff_group").create_group(apps, None)
    staff = get_user_model().objects.create_user(
        "camille",
        "camille@anct.gouv.fr",
        "un-mot-de-passe-long-42",
        is_staff=True,
        first_name="Camille-Alexandrine",
        last_name="de La Tour-Villeneuve",
    )
    staff.groups.add(Group.objects.get(name="Chargé·e d'accompagnement"))
    for code, population in LONG_NAMES.items():
        request, _ = saved_request(commune_id=code, population=population)
        workflow.assign_request(request.pk, to_user=staff, by=staff)
        label, _ = Label.objects.get_or_create(name="Élus à rappeler avant le conseil")
        workflow.label_requests([request.pk], label=label, by=staff)
    saved_request(commune_id=None, epci_id="200071033", population=5415)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, staff, "un-mot-de-passe-long-42")

    page.goto("/admin/accompagnement/diagnosticrequest/")

    table = page.locator("#result_list")
    headers = table.locator("thead th").all_inner_texts()
    assert [text.strip().lower() for text in headers[1:]] == [
        "référence",
        "territoire",
        "dép.",
        "statut",
        "chargé·e",
        "à qui la main",
        "reçue le",
        "étiquettes",
    ]
    # The whole table fits: its last column ends inside the window, and nothing scrolls sideways.
    last = table.locator("thead th").last.bounding_box()
    assert last["x"] + last["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.get_by_text("CC Jabron-Lure-Vançon-Durance (EPCI)").is_visible()
    context.close()
