"""Support services and the action plan in the browser: the forms, the services page, the plan's history, the PDF."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import fieldsets, policy
from audit.models import AuditEvent
from audit.services import audit_read
from cases import queries as case_queries
from cases.views import CaseActionView
from cmm.validators import ascii_int

from . import pdf, queries, services
from .forms import ROW_KINDS, ActionPlanForm, SupportServiceForm, SupportServiceUpdateForm
from .models import SupportService


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _readable_case(request, number: str, part: str):
    """The case with its page's data, if the user's field set reads `part`; Http404 as if it did not exist."""
    case = case_queries.case_detail(request.user, number)
    fields = fieldsets.fields_for(request.user, case)
    if part not in fields:
        raise Http404
    return case, fields


def services_page(request, number):
    """All the case's services, with a link to change each one that can still change."""
    case, fields = _readable_case(request, number, "support_services")
    audit_read(request, what="support_services", case=case, purpose=case_queries.read_purpose(case))
    can_record = policy.can(request.user, policy.Action.RECORD_SUPPORT, case)
    return render(
        request,
        "support/services.html",
        {"case": case, "services": queries.case_services(case), "can_record": can_record},
    )


class SupportServiceRecordView(CaseActionView):
    action = policy.Action.RECORD_SUPPORT
    form_class = SupportServiceForm
    title = gettext_lazy("Registrér støtte")
    intro = gettext_lazy("Støtte, der er tilbudt personen, eller som personen allerede modtager.")
    submit_label = gettext_lazy("Registrér støtte")

    def initial(self, case):
        return {"starts_on": timezone.localdate(), "status": SupportService.Status.OFFERED}

    def service(self, **kwargs):
        return services.support_service_record(**kwargs)

    def success_message(self, case, result):
        return _("%(type)s hos %(provider)s er registreret som %(status)s fra %(start)s.") % {
            "type": result.get_type_display(),
            "provider": result.provider,
            "status": result.get_status_display().lower(),
            "start": _day(result.starts_on),
        }


class SupportServiceUpdateView(CaseActionView):
    """Change one service. The form carries the case's version (as every case form) and the service's own."""

    action = policy.Action.RECORD_SUPPORT
    form_class = SupportServiceUpdateForm
    title = gettext_lazy("Ændr støtte")
    submit_label = gettext_lazy("Gem ændringen")

    def dispatch(self, request, *args, **kwargs):
        self.support_service = None
        return super().dispatch(request, *args, **kwargs)

    def _service_of(self, case) -> SupportService:
        if self.support_service is None:
            service = SupportService.objects.filter(pk=self.kwargs["pk"], case=case).first()
            if service is None:
                raise Http404
            service.case = case
            self.support_service = service
        return self.support_service

    def get(self, request, number, pk):
        return super().get(request, number)

    def post(self, request, number, pk):
        case = case_queries.case_detail(request.user, number)
        sent = ascii_int(request.POST.get("service_version", ""))
        if sent is not None and sent != self._service_of(case).version and policy.role_may(request.user, self.action):
            # The service changed since the form was opened: say so before judging the change against it.
            return self.stale(request, case, str(services.SERVICE_STALE), sent_version=sent)
        return super().post(request, number)

    def allowed_case(self, request, number):
        case = super().allowed_case(request, number)
        self._service_of(case)
        return case

    def initial(self, case):
        service = self._service_of(case)
        return {
            "service_version": service.version,
            "status": service.status,
            "ends_on": service.ends_on,
            "note": service.note,
        }

    def form(self, case, data=None, initial=None):
        service = self._service_of(case)
        if data is not None and getattr(self, "refresh_service_version", False):
            data = data.copy()
            data["service_version"] = service.version
        return self.form_class(data, initial=initial, case=case, service=service)

    def intro_for(self, case):
        service = self._service_of(case)
        intro = _("%(type)s hos %(provider)s, fra %(start)s, er %(status)s.") % {
            "type": service.get_type_display(),
            "provider": service.provider,
            "start": _day(service.starts_on),
            "status": service.get_status_display().lower(),
        }
        refusal = services.support_service_change_problems(service=service, status=None, ends_on=None)
        return f"{intro} {refusal[0].message}" if refusal else intro

    def service(self, *, case, actor, expected_version, service_version, **data):
        return services.support_service_update(
            service=self._service_of(case),
            actor=actor,
            expected_version=service_version,
            status=data["status"],
            ends_on=data.get("ends_on"),
            note=data.get("note", ""),
        )

    def stale(self, request, case, message, *, sent_version):
        # The service as it is now: a resubmit applies the user's input to its current version.
        self.support_service = None
        self._service_of(case)
        self.refresh_service_version = True
        return super().stale(request, case, message, sent_version=sent_version)

    def success_message(self, case, result):
        if result.status == SupportService.Status.ENDED:
            return _("%(type)s er afsluttet med sidste dag %(end)s.") % {
                "type": result.get_type_display(),
                "end": _day(result.ends_on),
            }
        return _("%(type)s er nu %(status)s.") % {
            "type": result.get_type_display(),
            "status": result.get_status_display().lower(),
        }


class ActionPlanEditView(CaseActionView):
    """The next version of the plan, starting from the current one; "Tilføj række" shows one more row."""

    action = policy.Action.EDIT_ACTION_PLAN
    form_class = ActionPlanForm
    title = gettext_lazy("Ny udgave af handlingsplanen")
    intro = gettext_lazy(
        "Planen laves sammen med personen (eller en uledsaget mindreåriges repræsentant). Den gemmes som en ny "
        "udgave; de tidligere udgaver bevares. Tomme rækker gemmes ikke."
    )
    submit_label = gettext_lazy("Gem ny udgave")

    def initial(self, case):
        return ActionPlanForm.initial_for(queries.current_plan_version(case))

    def post(self, request, number):
        added = request.POST.get("add_row")
        if added in ROW_KINDS:
            # Not a save: the same input again, unchecked, with one more row.
            case = self.allowed_case(request, number)
            initial = ActionPlanForm.initial_from_post(request.POST, add=added)
            return self.render(request, case, self.form(case, initial=initial))
        return super().post(request, number)

    def service(self, *, case, actor, expected_version, **data):
        names = ("made_on", "made_with_person", "made_with_representative", "goals", "activities", "review_dates")
        return services.action_plan_version_save(
            case=case, actor=actor, expected_version=expected_version, **{name: data[name] for name in names}
        )

    def success_message(self, case, result):
        return _(
            "Udgave %(number)s af handlingsplanen er gemt med %(reviews)s opfølgningsdato(er), første %(first)s."
        ) % {
            "number": result.number,
            "reviews": len(result.review_dates),
            "first": _day(result.review_dates[0]),
        }


def plan_history(request, number):
    """Every version of the plan, newest first: when, with whom, by whom, and its review dates."""
    case, _fields = _readable_case(request, number, "action_plan")
    versions = queries.plan_versions(case)
    audit_read(request, what="action_plan_history", case=case, purpose=case_queries.read_purpose(case))
    return render(
        request,
        "support/plan_history.html",
        {
            "case": case,
            "versions": versions,
            "can_print": policy.can(request.user, policy.Action.PRINT_ACTION_PLAN, case),
            "can_edit": policy.can(request.user, policy.Action.EDIT_ACTION_PLAN, case),
        },
    )


def plan_version(request, number, version):
    """One version of the plan in full."""
    case, _fields = _readable_case(request, number, "action_plan")
    shown = queries.plan_version(case, version)
    if shown is None:
        raise Http404
    audit_read(
        request,
        what="action_plan_version",
        case=case,
        purpose=case_queries.read_purpose(case),
        detail={"plan_version": shown.number},
    )
    return render(
        request,
        "support/plan_version.html",
        {
            "case": case,
            "version": shown,
            "current": case.action_plan_json is not None and case.action_plan_json["number"] == shown.number,
            "representative": queries.plan_representative(case),
            "can_print": policy.can(request.user, policy.Action.PRINT_ACTION_PLAN, case),
        },
    )


def plan_pdf(request, number, version):
    """The version as a PDF for the person and the representative, in Danish or English (?sprog=en)."""
    case = case_queries.case_detail(request.user, number)
    reason = policy.refusal(request.user, policy.Action.PRINT_ACTION_PLAN, case)
    if reason is not None:
        raise PermissionDenied(reason)
    shown = queries.plan_version(case, version)
    if shown is None:
        raise Http404
    language = pdf.language_of(request.GET.get("sprog"))
    document = pdf.action_plan_pdf(case=case, version=shown, language=language)
    audit_read(
        request,
        action=AuditEvent.Action.EXPORT,
        what="action_plan_pdf",
        case=case,
        purpose=case_queries.read_purpose(case),
        detail={"plan_version": shown.number, "language": language},
    )
    return pdf.attachment(document, pdf.filename(case, shown))
