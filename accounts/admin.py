from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import Role, Team, User

# Devices change only through the audited actions below (a device admin would show or set a secret key).
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Myndighed og rolle"), {"fields": ("agency", "role", "team")}))
    list_display = ("username", "first_name", "last_name", "agency", "role", "team", "is_active")
    list_filter = ("agency", "role", "is_active")
    actions = ["reset_two_factor", "unlock_login", "logout_everywhere"]

    def has_security_permission(self, request) -> bool:
        """Resetting a second factor, lifting a lockout and ending sessions are the system administrator's."""
        return request.user.is_active and request.user.is_staff and request.user.role == Role.SYSTEM_ADMIN

    # The system administrator sees the staff list to take those actions, without any model permission;
    # changing a user's fields still takes Django's own permissions.
    def has_module_permission(self, request) -> bool:
        return self.has_security_permission(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_security_permission(request) or super().has_view_permission(request, obj)

    @admin.action(description=_("Nulstil to-faktor-godkendelse (brugeren opsætter den igen)"), permissions=["security"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.user_otp_reset(user=user, actor=request.user, request=request)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "To-faktor-godkendelse nulstillet for %(count)d bruger.",
                "To-faktor-godkendelse nulstillet for %(count)d brugere.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Ophæv spærring af log ind"), permissions=["security"])
    def unlock_login(self, request, queryset):
        for user in queryset:
            services.user_login_unlock(user=user, actor=request.user, request=request)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Spærring ophævet for %(count)d bruger.", "Spærring ophævet for %(count)d brugere.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Log ud overalt (afslut alle brugerens sessioner)"), permissions=["security"])
    def logout_everywhere(self, request, queryset):
        ended = sum(
            services.user_logout_everywhere(user=user, actor=request.user, request=request) for user in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d session afsluttet.", "%(count)d sessioner afsluttet.", ended) % {"count": ended},
            messages.SUCCESS,
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "agency")
