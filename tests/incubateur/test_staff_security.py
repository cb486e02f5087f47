from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone
from django_otp.admin import OTPAdminSite
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from incubateur.staff_login import LOGIN_REFUSED, StaffAuthenticationForm
from tests.conftest import login_with_second_factor
from tests.production import manage


def test_production_admin_requires_a_second_factor(production):
    completed = manage(
        "shell",
        "-c",
        "import incubateur.urls; from django.contrib import admin; print(admin.site.__class__.__name__)",
        env=production,
    )

    assert completed.stdout.strip().endswith("OTPAdminSite"), completed.stderr
    login_form = manage(
        "shell",
        "-c",
        "import incubateur.urls; from django.contrib import admin; print(admin.site.login_form.__name__)",
        env=production,
    )
    assert login_form.stdout.strip().endswith("StaffAuthenticationForm"), login_form.stderr


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


@pytest.mark.django_db
def test_failures_from_a_stranger_behind_the_router_do_not_lock_the_owner_out(client, admin_user, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    device = TOTPDevice.objects.create(user=admin_user, name="téléphone", confirmed=True)
    router = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": admin_user.username, "password": "faux", "otp_token": "000000"},
            HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9",
            **router,
        )

    stranger = client.post(
        "/admin/login/",
        {"username": admin_user.username, "password": "faux", "otp_token": "000000"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **router,
    )
    owner = client.post(
        "/admin/login/",
        {"username": admin_user.username, "password": "password", "otp_token": _current_code(device)},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **router,
    )

    assert stranger.status_code == 429
    assert owner.status_code == 302


def _login_form(user, **values):
    request = RequestFactory().post("/admin/login/")
    request.session = {}
    data = {"username": user.username, "password": "password", **values}
    return StaffAuthenticationForm(request, data=data)


def _current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.mark.django_db
def test_staff_with_one_authenticator_log_in_with_password_and_code_at_once(admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="téléphone", confirmed=True)

    form = _login_form(admin_user, otp_token=_current_code(device))

    assert form.is_valid(), form.errors
    assert form.get_user().otp_device == device


@pytest.mark.django_db
def test_a_wrong_password_and_a_missing_or_wrong_code_get_the_same_answer(admin_user):
    TOTPDevice.objects.create(user=admin_user, name="téléphone", confirmed=True)

    answers = [
        _login_form(admin_user, otp_token="").non_field_errors(),
        _login_form(admin_user, otp_token="000000").non_field_errors(),
        _login_form(admin_user, otp_token="000000", password="faux").non_field_errors(),
        _login_form(admin_user, otp_token="000000", username="personne").non_field_errors(),
    ]

    assert answers == [[LOGIN_REFUSED]] * 4
    assert "Identifiant, mot de passe ou code à usage unique incorrect" in LOGIN_REFUSED


@pytest.mark.django_db
def test_staff_with_two_authenticators_choose_one(admin_user):
    first = TOTPDevice.objects.create(user=admin_user, name="téléphone", confirmed=True)
    TOTPDevice.objects.create(user=admin_user, name="tablette", confirmed=True)

    assert _login_form(admin_user, otp_token=_current_code(first)).non_field_errors() == [
        "Choisissez l'appareil qui a produit le code."
    ]
    chosen = _login_form(admin_user, otp_token=_current_code(first), otp_device=first.persistent_id)
    assert chosen.is_valid(), chosen.errors


@pytest.mark.django_db
def test_a_staff_session_ends_after_a_few_idle_hours_but_not_while_in_use(admin_user, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_with_second_factor(client, admin_user)
        traveller.shift(timedelta(hours=3))
        in_use = client.get("/admin/")
        traveller.shift(timedelta(hours=3))
        still_in_use = client.get("/admin/")
        traveller.shift(timedelta(hours=5))
        idle = client.get("/admin/")

    assert in_use.status_code == still_in_use.status_code == 200
    assert idle.status_code == 302 and idle.url.startswith("/admin/login/")
