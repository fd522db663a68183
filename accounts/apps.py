from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Medarbejdere og myndigheder")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import session_login_stamp

        # Every way of logging in (the login page, the admin's, a test client) starts the 12-hour clock.
        user_logged_in.connect(session_login_stamp, dispatch_uid="accounts.session_login_stamp")
