"""The signed-in user, read with the count of their unread notifications in the same query.

Every page's header shows that count; reading it with the user (one subquery on the partial index of unread
rows) keeps every page within its query budget (tests/cases/test_query_counts.py) instead of paying one more.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Notification


class UserBackend(ModelBackend):
    """Django's ModelBackend; `get_user` also sets `user.unread_notifications`."""

    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        users = get_user_model()._default_manager.annotate(
            unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
