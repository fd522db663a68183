from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from access import fieldsets, policy
from access.policy import Action
from audit.services import audit_read
from cases import queries as case_queries
from cases.deadlines import follow_up_last_day, reintegration_last_day
from cases.forms import VersionedForm
from cases.views import CaseActionView
from cmm.confirm import Confirmation

from . import queries, rules, services
from .forms import DecisionForm, FollowUpReportForm, OfferForm, PlanForm, ReturnForm, SupportForm, uploads_content
from .models import Repatriation


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


class DublinRecordView(CaseActionView):
    action = Action.RECORD_DUBLIN
    form_class = VersionedForm
    title = gettext_lazy("Registrér Dublinsag")
    intro = gettext_lazy(
        "En Dublinsag afsluttes med overførsel til den medlemsstat, der efter Dublinforordningen er ansvarlig. "
        "Personen tilbydes da ikke forberedt hjemrejse."
    )
    submit_label = gettext_lazy("Registrér Dublinsag")

    def confirmation(self, case, form):
        return Confirmation(
            title=_("Registrér Dublinsag"),
            lead=_("Kontrollér, før sagen registreres som Dublinsag."),
            summary=[(_("Sag"), case.number)],
            consequence=_(
                "Personen overføres til den ansvarlige medlemsstat og kan ikke tilbydes forberedt hjemrejse i sagen."
            ),
            confirm_label=_("Ja, registrér Dublinsag"),
        )

    def service(self, **kwargs):
        return services.dublin_record(**kwargs)

    def success_message(self, case, result):
        return _("Sagen er registreret som Dublinsag: personen overføres til den ansvarlige medlemsstat.")


class OfferView(CaseActionView):
    action = Action.OFFER_REPATRIATION
    form_class = OfferForm
    title = gettext_lazy("Tilbyd forberedt hjemrejse")
    intro = gettext_lazy(
        "Forberedt hjemrejse tilbydes alle udenlandske ofre, uanset opholdsgrundlag, undtagen i Dublinsager. "
        "Efter hjemkomsten får personen reintegrationsstøtte i seks måneder og opfølgning i seks måneder mere."
    )
    submit_label = gettext_lazy("Registrér tilbud")

    def initial(self, case):
        from django.utils import timezone

        return {"offered_on": timezone.localdate()}

    def service(self, **kwargs):
        return services.repatriation_offer(**kwargs)

    def success_message(self, case, result):
        return _("Forberedt hjemrejse er tilbudt %(day)s. Registrér personens svar, når det foreligger.") % {
            "day": _day(result.offered_on)
        }


class DecisionView(CaseActionView):
    action = Action.DECIDE_REPATRIATION
    form_class = DecisionForm
    title = gettext_lazy("Registrér svar på tilbud om forberedt hjemrejse")
    submit_label = gettext_lazy("Registrér svar")

    def intro_for(self, case):
        repatriation = rules.repatriation_of(case)
        return _("Tilbuddet blev givet %(day)s.") % {"day": _day(repatriation.offered_on)} if repatriation else ""

    def service(self, **kwargs):
        return services.repatriation_decide(**kwargs)

    def success_message(self, case, result):
        values = {"day": _day(result.answered_on)}
        if result.answer == Repatriation.Answer.ACCEPTED:
            return _("Personen har taget imod forberedt hjemrejse %(day)s. Lav nu reintegrationsplanen.") % values
        return _("Personen har afslået forberedt hjemrejse %(day)s.") % values


class PlanView(CaseActionView):
    action = Action.RECORD_REINTEGRATION
    form_class = PlanForm
    title = gettext_lazy("Reintegrationsplan og udrejse")
    submit_label = gettext_lazy("Gem reintegrationsplan")

    def initial(self, case):
        repatriation = rules.repatriation_of(case)
        if repatriation is None:
            return {}
        return {
            "reintegration_plan": repatriation.reintegration_plan,
            "destination": repatriation.destination.code or "",
            "planned_departure_on": repatriation.planned_departure_on,
        }

    def service(self, **kwargs):
        return services.reintegration_plan_save(**kwargs)

    def success_message(self, case, result):
        if result.planned_departure_on:
            return _("Reintegrationsplanen er gemt: udrejse til %(country)s planlagt %(day)s.") % {
                "country": result.destination.name,
                "day": _day(result.planned_departure_on),
            }
        return _("Reintegrationsplanen er gemt: hjemrejse til %(country)s.") % {"country": result.destination.name}


class SupportView(CaseActionView):
    action = Action.RECORD_REINTEGRATION
    form_class = SupportForm
    title = gettext_lazy("Registrér reintegrationsstøtte")
    intro = gettext_lazy(
        "Støtte til bolig, egen virksomhed, uddannelse, mindre udgifter, mad eller skolepenge til børn. Udbetales "
        "støtten til et familiemedlem, skal begrundelsen registreres."
    )
    submit_label = gettext_lazy("Registrér støtte")

    def service(self, **kwargs):
        return services.reintegration_support_add(**kwargs)

    def success_message(self, case, result):
        return _("Støtten er registreret: %(kind)s, %(amount)s %(currency)s.") % {
            "kind": result.get_kind_display(),
            "amount": number_format(result.amount, decimal_pos=2),  # as the case page shows it: 1500,50 in Danish
            "currency": result.currency,
        }


class ReturnView(CaseActionView):
    action = Action.RECORD_RETURN
    form_class = ReturnForm
    title = gettext_lazy("Registrér hjemrejse")
    submit_label = gettext_lazy("Registrér hjemrejse")

    def confirmation(self, case, form):
        returned_on = form.cleaned_data["returned_on"]
        return Confirmation(
            title=_("Registrér hjemrejse"),
            lead=_("Kontrollér datoen, før hjemrejsen registreres."),
            summary=[(form.fields["returned_on"].label, _day(returned_on))],
            consequence=_(
                "Sagen går over i reintegration. Reintegrationsstøtten løber til og med %(support)s, og "
                "opfølgningen til og med %(follow_up)s."
            )
            % {
                "support": _day(reintegration_last_day(returned_on)),
                "follow_up": _day(follow_up_last_day(returned_on)),
            },
            confirm_label=_("Ja, registrér hjemrejsen"),
        )

    def service(self, **kwargs):
        return services.return_record(**kwargs)

    def success_message(self, case, result):
        return _(
            "Hjemrejsen %(day)s er registreret. Reintegrationsstøtten løber til og med %(support)s, og opfølgningen "
            "til og med %(follow_up)s."
        ) % {
            "day": _day(result.returned_on),
            "support": _day(reintegration_last_day(result.returned_on)),
            "follow_up": _day(follow_up_last_day(result.returned_on)),
        }


class FollowUpReportAddView(CaseActionView):
    action = Action.ADD_FOLLOW_UP_REPORT
    form_class = FollowUpReportForm
    title = gettext_lazy("Skriv opfølgningsrapport")
    intro = gettext_lazy("Rapporten og bilagene ses af sagsbehandlerne i sagen. Bilag gemmes krypteret.")
    submit_label = gettext_lazy("Gem rapport")

    def initial(self, case):
        from django.utils import timezone

        return {"written_on": timezone.localdate()}

    def form(self, case, data=None, initial=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data, files, initial=initial, case=case)

    def service(self, *, attachments, **kwargs):
        return services.follow_up_report_add(attachments=uploads_content(attachments), **kwargs)

    def success_message(self, case, result):
        count = result.attachments.count()
        return ngettext(
            "Opfølgningsrapporten er gemt med %(count)s bilag.",
            "Opfølgningsrapporten er gemt med %(count)s bilag.",
            count,
        ) % {"count": count}

    def done(self, request, case, data, result):
        messages.success(request, self.success_message(case, result))
        return redirect("repatriation:reports", number=case.number)


def _case_for_reports(request, number):
    """The case, if the user may read its reports (the IOM only while its share for repatriation lasts)."""
    case = case_queries.case_for_events(request.user, number)
    reason = policy.refusal(request.user, Action.READ_ATTACHMENT, case)
    if reason is not None:
        raise PermissionDenied(reason)
    return case


def reports(request, number):
    """The case's follow-up reports, newest first, each with its attachments to download."""
    case = _case_for_reports(request, number)
    fields = fieldsets.fields_for(request.user, case)
    rows = list(queries.follow_up_reports(case)) if "follow_up_reports.text" in fields else []
    audit_read(
        request,
        what="follow_up_reports",
        case=case,
        purpose=case_queries.read_purpose(case),
        detail={"reports": len(rows)},
    )
    return render(
        request,
        "repatriation/report_list.html",
        {
            "case": case,
            "reports": rows,
            "staff_names": fields.staff_names,
            "can_add": policy.can(request.user, Action.ADD_FOLLOW_UP_REPORT, case),
        },
    )


def attachment_download(request, number, attachment_id):
    """One attachment, to download (never shown inline), after the policy and with an audit row."""
    case = _case_for_reports(request, number)
    attachment = queries.attachment_for(case, attachment_id)
    if attachment is None:
        raise Http404
    audit_read(
        request,
        what="follow_up_attachment",
        case=case,
        purpose=case_queries.read_purpose(case),
        detail={"attachment": attachment.pk},
    )
    response = HttpResponse(attachment.content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
