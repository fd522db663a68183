"""Two factors on every page and endpoint, and a session that ends 12 hours after login."""

from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext

from .sessions import session_too_old


def otp_not_required(view_func):
    """Mark a view as reachable before the second factor (log in, log out, the two-factor pages, language)."""
    view_func.otp_required = False
    return view_func


class SessionLifetimeMiddleware:
    """Log a session out 12 hours after it logged in, however active it has been.

    The idle limit (15 minutes) is the session engine's (accounts.sessions). Goes after AuthenticationMiddleware;
    the logged-out request then meets LoginRequiredMiddleware (pages) or the API's own authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and session_too_old(request.session):
            logout(request)
        return self.get_response(request)


class OTPRequiredMiddleware:
    """A logged-in user who has not passed the second factor reaches only the views marked otp_not_required.

    Pages redirect to the verification page (which sends a user without a device on to enrolment); the API
    answers 403 in the API's error format. Goes after django_otp's OTPMiddleware and LoginRequiredMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "otp_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith("/api/"):
            detail = gettext("To-faktor-godkendelse mangler: log ind med en kode fra din godkendelsesapp.")
            return JsonResponse(
                {"type": "client_error", "errors": [{"code": "otp_required", "detail": detail, "attr": None}]},
                status=403,
            )
        verify_url = reverse("accounts:verify")
        if request.headers.get("HX-Request"):
            # htmx would swap the verification page into a fragment; send the whole window there instead.
            return HttpResponse(status=204, headers={"HX-Redirect": verify_url})
        return redirect_to_login(request.get_full_path(), verify_url)
