from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from access import policy
from access.policy import Action
from accounts.models import COMPETENT_AUTHORITIES
from audit import services as audit_services
from audit.models import AuditEvent, ReadAlert
from audit.services import audit_read
from cases import queries
from cases.errors import DomainError
from cases.views import CaseActionView
from cmm.confirm import Confirmation, ConfirmationMixin
from cmm.validators import ascii_int

from . import services
from .forms import EmergencyAccessForm, HandoverDecideForm, HandoverRequestForm, ResidenceStatusForm, ShareForm
from .models import EmergencyAccess, Handover, Share


class ShareCreateView(CaseActionView):
    action = Action.SHARE
    form_class = ShareForm
    title = gettext_lazy("Del sagen med en organisation")
    intro = gettext_lazy(
        "Sagen deles kun med personens samtykke. Registrér hvornår samtykket blev givet, og hvor længe det gælder."
    )
    submit_label = gettext_lazy("Del sagen")

    def service(self, **kwargs):
        return services.share_create(request=self.request, **kwargs)

    def success_message(self, case, result):
        return _("Sagen er delt med %(team)s til og med %(until)s til formålet “%(scope)s”.") % {
            "team": result.team.name,
            "until": date_format(result.expires_on, "DATE_FORMAT"),
            "scope": result.get_scope_display(),
        }


class ShareWithdrawView(ConfirmationMixin, View):
    """The person withdrew their consent: a page that names the organisation asks first, then access ends."""

    def share(self, request, number, share_id):
        case = queries.case_detail(request.user, number)
        reason = policy.refusal(request.user, Action.WITHDRAW_SHARE, case)
        if reason is not None:
            raise PermissionDenied(reason)
        share = get_object_or_404(Share.objects.select_related("team"), pk=share_id, case=case)
        if share.withdrawn_at is not None:
            raise PermissionDenied(
                _("Delingen med %(team)s blev stoppet %(when)s.")
                % {"team": share.team.name, "when": date_format(timezone.localtime(share.withdrawn_at), "DATE_FORMAT")}
            )
        return case, share

    def ask(self, request, case, share):
        audit_read(request, what="withdraw_share_confirm", case=case, purpose=queries.read_purpose(case))
        consent = _("givet %(given)s, gælder til og med %(until)s") % {
            "given": date_format(share.consent_given_on, "DATE_FORMAT"),
            "until": date_format(share.expires_on, "DATE_FORMAT"),
        }
        confirmation = Confirmation(
            title=_("Stop delingen med %(team)s") % {"team": share.team.name},
            lead=_("Stop kun delingen, når personen har tilbagekaldt sit samtykke."),
            summary=[
                (_("Organisation"), share.team.name),
                (_("Formål"), share.get_scope_display()),
                (_("Samtykke"), consent),
            ],
            consequence=_(
                "%(team)s mister straks adgangen til sagen. Skal sagen deles igen, kræver det et nyt samtykke."
            )
            % {"team": share.team.name},
            confirm_label=_("Ja, stop delingen med %(team)s") % {"team": share.team.name},
            back_url=reverse("cases:detail", kwargs={"number": case.number}),
        )
        return self.render_confirmation(confirmation, case=case)

    def get(self, request, number, share_id):
        case, share = self.share(request, number, share_id)
        return self.ask(request, case, share)

    def post(self, request, number, share_id):
        case, share = self.share(request, number, share_id)
        if not self.confirmed():
            return self.ask(request, case, share)  # nothing is stopped without the "Ja"
        try:
            services.share_withdraw(share=share, actor=request.user, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Delingen med %(team)s er stoppet: organisationen har ikke længere adgang til sagen.")
                % {"team": share.team.name},
            )
        return redirect("cases:detail", number=case.number)


class HandoverRequestView(CaseActionView):
    action = Action.REQUEST_HANDOVER
    form_class = HandoverRequestForm
    title = gettext_lazy("Anmod om overdragelse")
    intro = gettext_lazy("Den anden myndighed accepterer eller afviser anmodningen. Indtil da er sagen fortsat jeres.")
    submit_label = gettext_lazy("Send anmodning")

    def service(self, **kwargs):
        return services.handover_request(request=self.request, **kwargs)

    def success_message(self, case, result):
        return _(
            "Anmodningen om overdragelse er sendt til %(to)s. Sagen er fortsat jeres, indtil %(to)s har taget "
            "stilling til den."
        ) % {"to": result.get_to_authority_display()}


class HandoverDecideView(CaseActionView):
    action = Action.DECIDE_HANDOVER
    form_class = HandoverDecideForm
    title = gettext_lazy("Tag stilling til overdragelse")
    submit_label = gettext_lazy("Gem afgørelse")

    def intro_for(self, case) -> str:
        pending = case.handovers.filter(status=Handover.Status.PENDING).select_related("requested_by").first()
        if pending is None:
            return ""
        return _("%(who)s (%(authority)s) anmodede %(when)s om overdragelse: %(reason)s") % {
            "who": pending.requested_by,
            "authority": pending.get_from_authority_display(),
            "when": date_format(timezone.localtime(pending.requested_at), "DATE_FORMAT"),
            "reason": pending.reason,
        }

    def service(self, **kwargs):
        return services.handover_decide(request=self.request, **kwargs)

    def done(self, request, case, data, result):
        """Say what the decision did. A refusal may end the decider's access: then the start page says it."""
        agency = dict(COMPETENT_AUTHORITIES)
        if data["accept"]:
            messages.success(
                request,
                _("Du har accepteret overdragelsen. %(agency)s er nu kompetent myndighed for sag %(number)s.")
                % {"agency": agency[request.user.agency], "number": case.number},
            )
            return redirect("cases:detail", number=case.number)
        stays_with = agency[case.competent_authority]
        if policy.visible_cases(request.user).filter(pk=case.pk).exists():
            messages.success(
                request,
                _("Du har afvist overdragelsen. Sag %(number)s bliver hos %(agency)s.")
                % {"number": case.number, "agency": stays_with},
            )
            return redirect("cases:detail", number=case.number)
        messages.success(
            request,
            _(
                "Du har afvist overdragelsen. Sag %(number)s bliver hos %(agency)s, og du har ikke længere adgang "
                "til den. Din begrundelse står i sagens tidslinje."
            )
            % {"number": case.number, "agency": stays_with},
        )
        return redirect("cases:home")


class ResidenceStatusChangeView(CaseActionView):
    action = Action.CHANGE_RESIDENCE_STATUS
    form_class = ResidenceStatusForm
    title = gettext_lazy("Registrér ændret opholdsgrundlag")
    submit_label = gettext_lazy("Registrér ændringen")

    def intro_for(self, case) -> str:
        return _(
            "Opholdsgrundlaget er nu “%(residence)s”, og %(authority)s er kompetent myndighed. Gør det nye "
            "opholdsgrundlag den anden myndighed kompetent, anmodes den om at overtage sagen; indtil den "
            "accepterer, er sagen fortsat jeres."
        ) % {
            "residence": case.referral.get_residence_status_display(),
            "authority": case.get_competent_authority_display(),
        }

    def service(self, **kwargs):
        return services.residence_status_change(request=self.request, **kwargs)

    def success_message(self, case, result):
        message = _("Opholdsgrundlaget er ændret til “%(residence)s”.") % {
            "residence": result.referral.get_residence_status_display()
        }
        pending = Handover.objects.filter(case=result, status=Handover.Status.PENDING).first()
        if pending is None:
            return message
        return (
            message
            + " "
            + _("%(to)s er anmodet om at overtage sagen; indtil da er den fortsat jeres.")
            % {"to": pending.get_to_authority_display()}
        )


def break_the_glass(request):
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.emergency_access_open(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.warning(
                request,
                _("Nødadgang er givet i %(hours)s timer. Adgangen er logget og vises for revisor.")
                % {"hours": settings.BREAK_THE_GLASS_HOURS},
            )
            return redirect("cases:detail", number=case.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/break_the_glass.html", {"form": form}, status=status)


def emergency_review(request):
    """The auditor's queue: break-the-glass accesses and alerts about many reads, not yet looked at."""
    if request.method == "POST":
        if "read_alert" in request.POST:
            alert = get_object_or_404(ReadAlert, pk=_posted_id(request, "read_alert"), reviewed_at__isnull=True)
            audit_services.read_alert_review(alert=alert, actor=request.user, request=request)
        else:
            emergency = get_object_or_404(
                EmergencyAccess, pk=_posted_id(request, "emergency"), reviewed_at__isnull=True
            )
            services.emergency_access_review(emergency=emergency, actor=request.user, request=request)
        messages.success(request, _("Markeret som gennemgået."))
        return redirect("grants:emergency_review")
    pending = list(EmergencyAccess.objects.filter(reviewed_at__isnull=True).select_related("case", "user")[:200])
    read_alerts = list(ReadAlert.objects.filter(reviewed_at__isnull=True).select_related("user")[:200])
    audit_read(
        request,
        action=AuditEvent.Action.LIST,
        what="emergency_review",
        cases=[emergency.case_id for emergency in pending],
        purpose=AuditEvent.Purpose.AUDIT,
        detail={"read_alerts": [alert.pk for alert in read_alerts]},
    )
    context = {
        "pending": pending,
        "read_alerts": read_alerts,
        "read_alert_threshold": settings.READ_ALERT_DISTINCT_CASES_PER_HOUR,
        "read_hard_limit": settings.READ_HARD_LIMIT_PER_HOUR,
    }
    return render(request, "grants/emergency_review.html", context)


def _posted_id(request, name: str) -> int:
    value = ascii_int(request.POST.get(name, ""))
    if value is None:  # not a 500 from the integer lookup ("²".isdigit() is true)
        raise Http404
    return value
