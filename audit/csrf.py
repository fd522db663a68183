"""A request refused for its CSRF token is a security event: pages and the API both audit it.

The row names the kind of failure only, never the token or the Origin/Referer the client sent.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from .middleware import audit_unavailable
from .services import AuditUnavailable, audit_security

# Django's reasons (django.middleware.csrf), by the words that tell them apart, most specific first.
REASONS = (
    ("CSRF cookie not set", "no_cookie"),
    ("CSRF cookie", "cookie_malformed"),
    ("CSRF token missing", "token_missing"),
    ("incorrect length", "token_malformed"),
    ("invalid characters", "token_malformed"),
    ("incorrect", "token_incorrect"),
    ("Origin checking failed", "bad_origin"),
    ("no Referer", "no_referer"),
    ("Referer is malformed", "malformed_referer"),
    ("Referer is insecure", "insecure_referer"),
    ("Referer checking failed", "bad_referer"),
)


def reason_code(reason: str) -> str:
    return next((code for words, code in REASONS if words in reason), "other")


def csrf_audit(request, *, actor, reason: str) -> None:
    audit_security(actor=actor, what="csrf_failed", detail={"reason": reason_code(reason)}, request=request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: audit the refusal, then the usual 403 page."""
    try:
        csrf_audit(request, actor=request.user, reason=reason)
    except AuditUnavailable as error:
        return audit_unavailable(request, error)
    message = _("Formularen blev afvist af sikkerhedstjekket. Genindlæs siden, og prøv igen.")
    return render(request, "403.html", {"exception": message}, status=403)


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, which checks CSRF itself (not through CSRF_FAILURE_VIEW): audited too."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refusal:
            # request.user would authenticate again: the user is the one the session names.
            csrf_audit(request._request, actor=request._request.user, reason=str(refusal.detail))
            raise


class AuditedSessionScheme(SessionScheme):
    """The schema documents it as DRF's session authentication (cookieAuth), which it is."""

    target_class = "audit.csrf.SessionAuthentication"
