"""The staff login of the admin when a one-time password is required (ADMIN_REQUIRE_2FA).

django-otp asks the staff member to pick the device that made the code, but it can only list their
devices once the password is checked: on the first attempt the list is empty and the login fails with
"select a device". Most staff have one authenticator app: it is used without asking. Messages in French.
"""

from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

# One answer for a wrong user name, a wrong password, a missing code and a wrong code: a different message
# would tell whoever is guessing that the password was right.
LOGIN_REFUSED = (
    "Identifiant, mot de passe ou code à usage unique incorrect : vérifiez les trois (le code de votre application "
    "d'authentification change toutes les 30 secondes ; les majuscules comptent)."
)
OTP_MESSAGES = {
    "token_required": LOGIN_REFUSED,
    "invalid_token": LOGIN_REFUSED,
    "device_required": "Choisissez l'appareil qui a produit le code.",
    "verification_not_allowed": "La vérification des codes est momentanément suspendue : réessayez plus tard.",
}


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    error_messages = {**OTPAdminAuthenticationForm.error_messages, "invalid_login": LOGIN_REFUSED}
    otp_error_messages = {**OTPAdminAuthenticationForm.otp_error_messages, **OTP_MESSAGES}

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                return devices[0]
        return device
