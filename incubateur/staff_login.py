"""The staff login of the admin when a one-time password is required (ADMIN_REQUIRE_2FA).

django-otp asks the staff member to pick the device that made the code, but it can only list their
devices once the password is checked: on the first attempt the list is empty and the login fails with
"select a device". Most staff have one authenticator app: it is used without asking. Messages in French.
"""

from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

OTP_MESSAGES = {
    "token_required": "Saisissez le code à usage unique affiché par votre application d'authentification.",
    "invalid_token": "Code à usage unique incorrect ou expiré : saisissez le code affiché en ce moment.",
    "device_required": "Choisissez l'appareil qui a produit le code.",
    "verification_not_allowed": "La vérification des codes est momentanément suspendue : réessayez plus tard.",
}


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    otp_error_messages = {**OTPAdminAuthenticationForm.otp_error_messages, **OTP_MESSAGES}

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                return devices[0]
        return device
