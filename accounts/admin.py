"""Nothing of accounts is in the Django admin, and the admin itself is not mounted (cmm/urls.py).

Users are managed in the accounts pages: every change there is a service that audits it, asks for a fresh
second-factor code, and for a role that reads cases waits for a coordinator's approval. The admin's user form
would let an administrator give themselves any role, or set a password, without any of that.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Devices would show or set a secret key; groups carry the teams' case grants.
for model in (TOTPDevice, StaticDevice, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
