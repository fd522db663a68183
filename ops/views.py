"""The health endpoints: plain JSON for machines, public (they say ok or failed and nothing else), over plain
http too (SECURE_REDIRECT_EXEMPT in production), never cached, never audited (they read no case data)."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.middleware import otp_not_required

from . import health


def _public(view):
    return otp_not_required(login_not_required(never_cache(require_GET(view))))


@_public
def live(request):
    """The process answers: no database, no cache, nothing that could be down while the process is not."""
    return JsonResponse({"status": health.OK})


@_public
def ready(request):
    """200 when every readiness check passes, 503 naming the failed ones otherwise."""
    checks = health.readiness()
    ok = all(result == health.OK for result in checks.values())
    return JsonResponse({"status": health.OK if ok else health.FAILED, "checks": checks}, status=200 if ok else 503)
