from django.utils.functional import cached_property

from . import notices


class UnreadNotifications:
    """The header's unread count, read only if a template shows it, and then once per page."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        counted = getattr(self.user, "unread_notifications", None)  # read with the user (reminders.backends)
        return notices.unread_count(self.user) if counted is None else counted


def notifications(request):
    user = getattr(request, "user", None)
    verified = getattr(user, "is_verified", None)
    if user is None or not user.is_authenticated or verified is None or not verified():
        return {}
    return {"notifications": UnreadNotifications(user)}
