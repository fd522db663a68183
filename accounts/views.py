"""Log in with two factors: password, then a code from an authenticator app (set up at the first login)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from django_otp import login as otp_login

from . import lockout, services
from .forms import OTPEnrolForm, OTPVerifyForm
from .middleware import otp_not_required


def _next_url(request) -> str:
    """Where to go after logging in: the page asked for, if it is on this site; else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _url_with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _code_refused(form, refused):
    form.add_error("code", str(refused))
    form.data = form.data.copy()
    form.data["code"] = ""  # a refused code is not shown again


def _second_factor_passed(request, device) -> None:
    otp_login(request, device)
    # A new session key at each step of logging in: a key seen before the second factor is worth nothing after.
    request.session.cycle_key()


@method_decorator(otp_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The first factor. The same message for an unknown user and a wrong password; django-axes locks out."""

    def form_invalid(self, form):
        # A locked-out attempt is audited by `locked_out`, which answers it instead of this form.
        if form.has_error(NON_FIELD_ERRORS, "invalid_login") and not getattr(self.request, "axes_locked_out", False):
            services.login_failed_audit(username=self.request.POST.get("username", ""), request=self.request)
        # The tries left count the same for a name that exists and one that does not.
        return self.render_to_response(self.get_context_data(form=form, tries_left=lockout.tries_left(self.request)))

    def get_success_url(self):
        return _url_with_next("accounts:verify", super().get_success_url())


@method_decorator(otp_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Log out: the session row is deleted on the server, and the browser is told to forget this site."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@method_decorator(otp_not_required, name="dispatch")
class OTPVerifyView(FormView):
    """The second factor: a code from the app, or a recovery code."""

    template_name = "accounts/otp_verify.html"
    form_class = OTPVerifyForm

    def dispatch(self, request, *args, **kwargs):
        self.next_url = _next_url(request)
        if request.user.is_verified():
            return redirect(self.next_url)
        if not services.otp_is_enrolled(request.user):
            return redirect(_url_with_next("accounts:enrol", self.next_url))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url, **kwargs)

    def form_valid(self, form):
        try:
            device = services.otp_verify(user=self.request.user, code=form.cleaned_data["code"], request=self.request)
        except services.OTPRefused as refused:
            _code_refused(form, refused)
            return self.form_invalid(form)
        _second_factor_passed(self.request, device)
        return redirect(self.next_url)


@method_decorator(otp_not_required, name="dispatch")
class OTPEnrolView(FormView):
    """First login (or after a reset): scan the QR code, type the code the app shows, get recovery codes.

    The key shown belongs to this session only, and the app is saved only once the user confirms it.
    """

    template_name = "accounts/otp_enrol.html"
    form_class = OTPEnrolForm

    def dispatch(self, request, *args, **kwargs):
        self.next_url = _next_url(request)
        if services.otp_is_enrolled(request.user):
            return redirect(_url_with_next("accounts:verify", self.next_url))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = services.otp_enrolment_device(self.request)
        return super().get_context_data(
            next=self.next_url,
            qr_code=services.otp_qr_data_uri(device),
            secret=services.otp_secret_text(device),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            device, codes = services.otp_enrol(request=self.request, code=form.cleaned_data["code"])
        except services.OTPRefused as refused:
            _code_refused(form, refused)
            return self.form_invalid(form)
        _second_factor_passed(self.request, device)
        # Shown in this response only: the codes are never put in the session or a URL.
        return render(self.request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": self.next_url})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): one page for every name, known or not, with the pause."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    services.login_locked_out_audit(username=str(username), request=request)
    return render(request, "accounts/login_locked.html", {"minutes": lockout.pause_minutes_left(request)}, status=429)
