"""User administration in the house style, and the coordinators' approval of roles that read cases.

The system administrator creates users, asks for their roles, deactivates them and resets them; a
coordinator approves a role that reads cases. Each action shows what it will do and asks to confirm, after a
fresh second-factor code (the routes are marked step_up in access.policy.ROUTES); each is audited by its service.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from access import policy
from cmm.confirm import Confirmation, ConfirmationMixin

from . import queries, services
from .forms import OTPVerifyForm, RoleForm, SetPasswordForm, TeamForm, UserCreateForm
from .middleware import otp_not_required
from .models import Role, User
from .step_up import step_up_stamp
from .tokens import set_password_token
from .views import _code_refused, _next_url

USERS_BREADCRUMBS = "accounts/_users_breadcrumbs.html"


def _summary(form) -> list[tuple[str, Any]]:
    """The form's values as the confirmation page shows them: labels, not codes."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value is not None else field.empty_label
        elif isinstance(field, forms.ChoiceField):
            shown = dict(field.choices).get(value, value)
        else:
            shown = value
        rows.append((field.label, shown))
    return rows


def _approval_note(role: str) -> str:
    approver = policy.ROLE_APPROVERS.get(role)
    if approver is None:
        return _("Rollen giver ikke adgang til sager og træder i kraft med det samme.")
    return _(
        "Rollen giver adgang til sager. Den træder først i kraft, når en %(approver)s har godkendt den;"
        " indtil da har brugeren sin hidtidige rolle."
    ) % {"approver": Role(approver).label}


def _pending_message(role_request) -> str:
    if role_request.status == role_request.Status.PENDING:
        return _("Rolleændringen afventer godkendelse af en %(approver)s.") % {
            "approver": Role(policy.ROLE_APPROVERS[role_request.role]).label
        }
    return _("Rollen er ændret.")


class ConfirmedFormView(ConfirmationMixin, View):
    """A form; then a page that shows what will happen and asks to confirm; then the service."""

    form_class: type
    title: str
    intro: str = ""
    submit_label = gettext_lazy("Fortsæt")
    confirm_label: str

    def form(self, data=None):
        return self.form_class(data)

    def cancel_url(self) -> str:
        return reverse("accounts:user_list")

    def note(self, form) -> str:
        return ""

    def perform(self, form):
        raise NotImplementedError

    def get(self, request, **kwargs):
        return self.render_form(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if self.going_back():
            return self.render_form(form)  # from the confirmation, with the input kept
        if not form.is_valid():
            return self.render_form(form, status=400)
        if not self.confirmed():
            confirmation = Confirmation(
                title=self.title,
                lead=_("Kontrollér oplysningerne, og bekræft."),
                summary=_summary(form),
                consequence=self.note(form) or _("Ændringen gemmes og logges."),
                confirm_label=self.confirm_label,
            )
            return self.render_confirmation(
                confirmation, form=form, breadcrumbs_template=USERS_BREADCRUMBS, staff=getattr(self, "staff", None)
            )
        try:
            return self.perform(form)
        except services.AccountRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
            return self.render_form(form, status=400)

    def render_form(self, form, status=200):
        context = {
            "form": form,
            "title": self.title,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "cancel_url": self.cancel_url(),
            "staff": getattr(self, "staff", None),
        }
        return render(self.request, "accounts/user_form.html", context, status=status)


class UserCreateView(ConfirmedFormView):
    form_class = UserCreateForm
    title = gettext_lazy("Opret bruger")
    intro = gettext_lazy(
        "Brugeren får en e-mail med et link til at vælge sin adgangskode og opsætter derefter to-faktor-godkendelse."
        " Du ser hverken linket eller adgangskoden."
    )
    confirm_label = gettext_lazy("Opret bruger")

    def note(self, form) -> str:
        return _approval_note(form.cleaned_data["role"])

    def perform(self, form):
        data = form.cleaned_data
        role_request = services.user_create(actor=self.request.user, request=self.request, **data)
        messages.success(
            self.request,
            _("Brugeren er oprettet, og linket til at vælge adgangskode er sendt til %(email)s.")
            % {"email": data["email"]}
            + " "
            + _pending_message(role_request),
        )
        return redirect("accounts:user_detail", user_id=role_request.user_id)


class UserRoleView(ConfirmedFormView):
    form_class = RoleForm
    title = gettext_lazy("Skift myndighed, rolle eller team")
    confirm_label = gettext_lazy("Send ændringen")

    def dispatch(self, request, user_id):
        self.staff = get_object_or_404(User, pk=user_id)
        return super().dispatch(request, user_id=user_id)

    @property
    def intro(self):
        return _("For %(user)s (%(username)s), som nu er %(role)s.") % {
            "user": self.staff,
            "username": self.staff.username,
            "role": self.staff.get_role_display() or _("uden rolle"),
        }

    def form(self, data=None):
        initial = {"agency": self.staff.agency, "role": self.staff.role, "team": self.staff.team_id}
        return self.form_class(data, initial=initial)

    def cancel_url(self) -> str:
        return reverse("accounts:user_detail", kwargs={"user_id": self.staff.pk})

    def note(self, form) -> str:
        return _approval_note(form.cleaned_data["role"])

    def perform(self, form):
        role_request = services.user_role_request(
            user=self.staff, actor=self.request.user, request=self.request, **form.cleaned_data
        )
        messages.success(self.request, _pending_message(role_request))
        return redirect("accounts:user_detail", user_id=self.staff.pk)


class TeamCreateView(ConfirmedFormView):
    form_class = TeamForm
    title = gettext_lazy("Opret team")
    intro = gettext_lazy("Et team i en myndighed, eller en NGO's eller IOM's organisation, som sager kan deles med.")
    confirm_label = gettext_lazy("Opret team")

    def perform(self, form):
        team = services.team_create(actor=self.request.user, request=self.request, **form.cleaned_data)
        messages.success(self.request, _("Teamet %(team)s er oprettet.") % {"team": team})
        return redirect("accounts:user_list")


def user_list(request):
    users = list(queries.user_list())
    pending = queries.pending_roles(users)
    return render(request, "accounts/user_list.html", {"rows": [(staff, pending.get(staff.pk)) for staff in users]})


@dataclass(frozen=True)
class UserAction:
    service: Any
    title: str
    explanation: str
    done: str
    confirm: str  # the confirmation's "Ja, ..." button


USER_ACTIONS = {
    "deactivate": UserAction(
        services.user_deactivate,
        gettext_lazy("Deaktivér bruger"),
        gettext_lazy("Brugeren kan ikke længere logge ind. Alle brugerens sessioner afsluttes straks."),
        gettext_lazy("Brugeren er deaktiveret."),
        gettext_lazy("Ja, deaktivér brugeren"),
    ),
    "password_reset": UserAction(
        services.user_password_reset,
        gettext_lazy("Nulstil adgangskode"),
        gettext_lazy(
            "Adgangskoden og to-faktor-godkendelsen fjernes, og brugerens sessioner afsluttes. Brugeren får en e-mail"
            " med et link til at vælge en ny adgangskode og opsætter derefter sin godkendelsesapp igen."
        ),
        gettext_lazy("Adgangskoden er nulstillet, og et nyt link er sendt til brugerens e-mail."),
        gettext_lazy("Ja, nulstil adgangskoden"),
    ),
    "otp_reset": UserAction(
        services.user_otp_reset,
        gettext_lazy("Nulstil to-faktor-godkendelse"),
        gettext_lazy("Godkendelsesappen og gendannelseskoderne fjernes; brugeren opsætter dem igen ved næste log ind."),
        gettext_lazy("To-faktor-godkendelsen er nulstillet."),
        gettext_lazy("Ja, nulstil to-faktor-godkendelsen"),
    ),
    "unlock": UserAction(
        services.user_login_unlock,
        gettext_lazy("Ophæv spærring af log ind"),
        gettext_lazy("De mislykkede forsøg på at logge ind med brugerens navn glemmes, og spærringen ophæves."),
        gettext_lazy("Spærringen er ophævet."),
        gettext_lazy("Ja, ophæv spærringen"),
    ),
    "cancel_role_request": UserAction(
        services.user_role_request_cancel,
        gettext_lazy("Annullér rolleanmodning"),
        gettext_lazy(
            "Rolleændringen, der afventer godkendelse, trækkes tilbage. Brugeren beholder sin nuværende rolle."
        ),
        gettext_lazy("Rolleanmodningen er annulleret."),
        gettext_lazy("Ja, annullér rolleanmodningen"),
    ),
    "logout": UserAction(
        services.user_logout_everywhere,
        gettext_lazy("Log ud overalt"),
        gettext_lazy("Alle brugerens sessioner afsluttes; brugeren skal logge ind igen med begge faktorer."),
        gettext_lazy("Brugerens sessioner er afsluttet."),
        gettext_lazy("Ja, log brugeren ud overalt"),
    ),
}


def user_detail(request, user_id):
    staff = get_object_or_404(User.objects.select_related("team"), pk=user_id)
    role_requests = queries.user_role_requests(staff)
    actions = [] if staff.pk == request.user.pk or not staff.is_active else list(USER_ACTIONS.items())
    if not any(change.status == change.Status.PENDING for change in role_requests):
        actions = [(slug, action) for slug, action in actions if slug != "cancel_role_request"]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "staff": staff,
            "role_requests": role_requests,
            "actions": actions,
        },
    )


class UserActionView(ConfirmationMixin, View):
    """One administrator's action on one account: a confirmation page, then the audited service.

    Only a POST with the confirmation's "Ja" acts; any other asks again and changes nothing.
    """

    action = ""

    def ask(self, staff):
        action = USER_ACTIONS[self.action]
        confirmation = Confirmation(
            title=action.title,
            summary=[(_("Bruger"), f"{staff} ({staff.username})"), (_("Rolle"), staff.get_role_display())],
            consequence=action.explanation,
            confirm_label=action.confirm,
            back_url=reverse("accounts:user_detail", kwargs={"user_id": staff.pk}),
        )
        return self.render_confirmation(confirmation, breadcrumbs_template=USERS_BREADCRUMBS, staff=staff)

    def get(self, request, user_id):
        return self.ask(get_object_or_404(User, pk=user_id))

    def post(self, request, user_id):
        staff = get_object_or_404(User, pk=user_id)
        if not self.confirmed():
            return self.ask(staff)
        action = USER_ACTIONS[self.action]
        try:
            action.service(user=staff, actor=request.user, request=request)
        except services.AccountRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, action.done)
        return redirect("accounts:user_detail", user_id=staff.pk)


def role_requests(request):
    """The coordinator's queue: role changes that read cases, waiting for their approval."""
    pending = list(queries.role_requests_to_decide(request.user))
    return render(request, "accounts/rolerequest_list.html", {"pending": pending})


class RoleRequestDecideView(ConfirmationMixin, View):
    def role_request(self, request, request_id):
        return get_object_or_404(queries.role_requests_to_decide(request.user), pk=request_id)

    def get(self, request, request_id):
        role_request = self.role_request(request, request_id)
        staff = role_request.user
        confirmation = Confirmation(
            title=_("Godkend eller afvis rolle"),
            summary=[
                (_("Bruger"), f"{staff} ({staff.username})"),
                # Where the set-password link went: the person approved must be the one who has that address.
                (_("E-mail"), staff.email),
                (_("Nuværende rolle"), staff.get_role_display() or _("Ingen rolle")),
                (_("Ny myndighed"), role_request.get_agency_display() or _("Ingen myndighed")),
                (_("Ny rolle"), role_request.get_role_display()),
                (_("Nyt team"), role_request.team or _("Intet team")),
                (_("Anmodet af"), f"{role_request.requested_by} ({role_request.requested_by.username})"),
            ],
            consequence=_(
                "Godkender du, får personen rollen og dens adgang til sager med det samme. Godkend kun, hvis du ved, "
                "at personen skal arbejde med sagerne i denne rolle."
            ),
            confirm_label=_("Godkend"),
            buttons=[("decision", "approve", _("Godkend")), ("decision", "reject", _("Afvis"))],
            back_url=reverse("accounts:role_requests"),
        )
        return self.render_confirmation(confirmation)

    def post(self, request, request_id):
        role_request = self.role_request(request, request_id)
        decision = request.POST.get("decision")
        if decision not in {"approve", "reject"}:
            return HttpResponseBadRequest()
        try:
            services.user_role_decide(
                role_request=role_request, approve=decision == "approve", actor=request.user, request=request
            )
        except services.AccountRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Rollen er godkendt.") if decision == "approve" else _("Rollen er afvist."))
        return redirect("accounts:role_requests")


class StepUpView(FormView):
    """A fresh code from the app before an administrative action or an approval (AU-06)."""

    template_name = "accounts/step_up.html"
    form_class = OTPVerifyForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        try:
            services.otp_verify(user=self.request.user, code=form.cleaned_data["code"], request=self.request)
        except services.OTPRefused as refused:
            _code_refused(form, refused)
            return self.form_invalid(form)
        step_up_stamp(self.request)
        services.step_up_verified_audit(user=self.request.user, request=self.request)
        return redirect(_next_url(self.request))


@method_decorator([login_not_required, otp_not_required], name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from the email: choose a password once, then log in and set up the authenticator app."""

    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm
    token_generator = set_password_token
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        services.user_password_set(user=form.user, password=form.cleaned_data["new_password1"], request=self.request)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            _("Din adgangskode er gemt. Log ind, og opsæt derefter to-faktor-godkendelse med din godkendelsesapp."),
        )
        return redirect(self.success_url)
