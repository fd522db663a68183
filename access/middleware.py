"""Default deny at the door: every URL has a policy entry, the user's role allows it, and a route that asks
for a fresh second-factor code gets one first."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from cmm import errors

from . import policy


class PolicyMiddleware:
    """Default deny: every URL must have an entry in the access policy, and the user's role must allow it.

    Case-level rules (scope, state, competent authority) are checked by the views through access.policy;
    this catches a URL added without a policy entry, and a role reaching a page it has no business on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        route = policy.route_for(request.resolver_match.view_name)
        if route is None:
            raise Http404
        if route.public or not request.user.is_authenticated:
            return None  # the login requirement is LoginRequiredMiddleware's
        if not policy.role_may(request.user, route.action_for(request.method)):
            from audit.models import AuditEvent
            from audit.services import audit_record

            audit_record(
                actor=request.user,
                action=AuditEvent.Action.DENIED,
                what="route",
                detail={"route": request.resolver_match.view_name},
            )
            if route.hidden:
                raise Http404
            if errors.is_api(request):
                return errors.api_error(
                    status=403,
                    code="permission_denied",
                    detail=gettext("Din rolle giver ikke adgang til denne handling."),
                )
            raise PermissionDenied
        if route.step_up:
            return _step_up_challenge(request)
        return None


def _step_up_challenge(request):
    """Send a session without a fresh second-factor code to the step-up page, and back here after it."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    from accounts.step_up import step_up_recent

    if step_up_recent(request):
        return None
    # A POST is never replayed: after the code, the same address's page (a form, or its confirmation) again.
    return redirect_to_login(request.get_full_path(), reverse("accounts:step_up"))
