from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_read
from cases import access, queries
from cases.access import Action
from cases.errors import DomainError
from cases.views import CaseActionView
from cmm.validators import ascii_int

from . import services
from .forms import EmergencyAccessForm, HandoverDecideForm, HandoverRequestForm, ShareForm
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


@require_POST
def share_withdraw(request, number, share_id):
    case = queries.case_detail(request.user, number)
    if not access.can(request.user, Action.SHARE, case):
        raise PermissionDenied
    share = get_object_or_404(Share, pk=share_id, case=case)
    try:
        services.share_withdraw(share=share, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delingen er tilbagekaldt; organisationen har ikke længere adgang til sagen."))
    return redirect("cases:detail", number=case.number)


class HandoverRequestView(CaseActionView):
    action = Action.REQUEST_HANDOVER
    form_class = HandoverRequestForm
    title = gettext_lazy("Anmod om overdragelse")
    intro = gettext_lazy("Den anden myndighed accepterer eller afviser anmodningen. Indtil da er sagen fortsat jeres.")
    submit_label = gettext_lazy("Send anmodning")

    def service(self, **kwargs):
        return services.handover_request(request=self.request, **kwargs)


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
            "when": date_format(timezone.localtime(pending.requested_at), "j. F Y"),
            "reason": pending.reason,
        }

    def service(self, **kwargs):
        return services.handover_decide(request=self.request, **kwargs)


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
    """The auditor's queue of break-the-glass accesses not yet looked at."""
    if request.method == "POST":
        emergency_id = ascii_int(request.POST.get("emergency", ""))
        if emergency_id is None:  # not a 500 from the integer lookup ("²".isdigit() is true)
            raise Http404
        emergency = get_object_or_404(EmergencyAccess, pk=emergency_id, reviewed_at__isnull=True)
        services.emergency_access_review(emergency=emergency, actor=request.user, request=request)
        messages.success(request, _("Markeret som gennemgået."))
        return redirect("grants:emergency_review")
    pending = list(EmergencyAccess.objects.filter(reviewed_at__isnull=True).select_related("case", "user")[:200])
    audit_read(
        request,
        action=AuditEvent.Action.LIST,
        what="emergency_review",
        cases=[emergency.case_id for emergency in pending],
        purpose=AuditEvent.Purpose.AUDIT,
    )
    return render(request, "grants/emergency_review.html", {"pending": pending})
