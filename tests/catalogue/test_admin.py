import pytest

from catalogue.models import Service
from tests.catalogue.factories import ServiceFactory


@pytest.mark.usefixtures("territories")
def test_staff_unpublish_a_service_without_deleting_it(admin_client, client):
    service = ServiceFactory()

    response = admin_client.post(
        "/admin/catalogue/service/", {"action": "unpublish", "_selected_action": [service.pk]}, follow=True
    )

    assert "1 service(s) dépublié(s)" in response.content.decode()
    assert Service.objects.filter(pk=service.pk, is_published=False).exists()
    assert client.get(service.get_absolute_url()).status_code == 404


@pytest.mark.usefixtures("territories")
def test_admin_change_page_links_to_the_public_page(admin_client):
    service = ServiceFactory()

    html = admin_client.get(f"/admin/catalogue/service/{service.pk}/change/").content.decode()

    assert f'href="{service.get_absolute_url()}"' in html


@pytest.mark.usefixtures("territories")
def test_admin_service_list_searches_and_filters(admin_client):
    ServiceFactory(name="Bases Adresses Locales")

    response = admin_client.get("/admin/catalogue/service/", {"q": "adresses", "code_status__exact": "open"})

    assert "Bases Adresses Locales" in response.content.decode()
