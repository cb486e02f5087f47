from html import unescape

import pytest
from django.test import RequestFactory
from django_otp.admin import OTPAdminSite

from tests.conftest import login_with_second_factor
from tests.incubateur.test_settings import PRODUCTION, manage


def test_production_admin_requires_a_second_factor():
    completed = manage(
        "shell",
        "-c",
        "import incubateur.urls; from django.contrib import admin; print(admin.site.__class__.__name__)",
        **PRODUCTION,
    )

    assert completed.stdout.strip().endswith("OTPAdminSite"), completed.stderr


@pytest.mark.django_db
def test_staff_without_a_verified_second_factor_is_kept_out(admin_user, client):
    site = OTPAdminSite()
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    request.user.is_verified = lambda: False

    assert site.has_permission(request) is False


@pytest.mark.django_db
def test_staff_with_a_verified_second_factor_gets_in(admin_user, client):
    login_with_second_factor(client, admin_user)

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_login_is_locked_after_repeated_failures(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": admin_user.username, "password": "faux", "otp_token": "000000"})

    response = client.post(
        "/admin/login/", {"username": admin_user.username, "password": "password", "otp_token": "000000"}
    )

    assert response.status_code == 429
    assert "Connexion bloquée" in unescape(response.content.decode())
