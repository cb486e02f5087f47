"""Signing a staff member in to the admin in a real browser, with the second factor production requires."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in(page, live_server, user, password: str) -> None:
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    page.goto("/admin/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    if page.locator("#id_otp_token").count():  # the second factor, required in production
        page.locator("#id_otp_token").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/admin/", page.locator(".errornote, .errorlist").all_inner_texts()
