"""The set-password link: single use (it changes when the password does) and expiring (PASSWORD_RESET_TIMEOUT)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    # A salt of its own: a token made for another purpose with the same secret is no set-password link.
    key_salt = "accounts.tokens.SetPasswordTokenGenerator"


set_password_token = SetPasswordTokenGenerator()
