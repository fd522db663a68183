from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.policy import Action
from cases.models import Case
from cases.views import CaseActionView
from cmm.confirm import Confirmation

from . import services
from .forms import AssessmentForm, PeriodExtendForm, PeriodGrantForm
from .models import Assessment, Period


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


class AssessmentRecordView(CaseActionView):
    action = Action.ASSESS
    form_class = AssessmentForm
    title = gettext_lazy("Registrér vurdering")
    intro = gettext_lazy(
        "Afgørelsen om personen er offer for menneskehandel. Ved “ikke offer” skal politi og "
        "Udlændingestyrelsen underrettes straks."
    )
    submit_label = gettext_lazy("Registrér vurdering")

    def initial(self, case):
        now = timezone.localtime()
        return {"decided_on": now.date(), "decided_time": now.time().replace(second=0, microsecond=0)}

    def confirmation(self, case, form):
        # "Not a victim" closes the case, and cannot be undone here: the user says so twice.
        data = form.cleaned_data
        if data["decision"] != Assessment.Decision.NOT_VICTIM:
            return None
        when = _day(data["decided_on"])
        if data.get("decided_time"):
            when += " " + data["decided_time"].strftime("%H:%M")
        return Confirmation(
            title=_("Registrér “ikke offer”"),
            lead=_("Kontrollér afgørelsen, før den registreres."),
            summary=[
                (form.fields["decision"].label, Assessment.Decision(data["decision"]).label),
                (_("Afgjort"), when),
                (form.fields["reasons"].label, data["reasons"]),
            ],
            consequence=_(
                "Sagen afsluttes med afgørelsen “ikke offer”, og det kan ikke fortrydes her. Politi og "
                "Udlændingestyrelsen skal underrettes straks: en frist for underretningen begynder at løbe."
            ),
            confirm_label=_("Ja, registrér “ikke offer” og afslut sagen"),
        )

    def service(self, **kwargs):
        return services.assessment_record(**kwargs)

    def success_message(self, case, result):
        if result.status == Case.Status.IDENTIFIED:
            return _("Vurderingen er registreret: vurderet som offer. Giv nu refleksions- eller restitutionsperioden.")
        return _(
            "Vurderingen er registreret: ikke vurderet som offer, og sagen er afsluttet. Underret politi og "
            "Udlændingestyrelsen straks, og registrér underretningen."
        )


class PeriodGrantView(CaseActionView):
    action = Action.GRANT_PERIOD
    form_class = PeriodGrantForm
    title = gettext_lazy("Giv refleksions- eller restitutionsperiode")
    submit_label = gettext_lazy("Giv periode")

    def initial(self, case):
        return {"starts_on": case.assessment.decided_on}

    def service(self, **kwargs):
        return services.period_grant(**kwargs)

    def success_message(self, case, result):
        period = Period.objects.get(case=result)  # the case's cached period predates the write
        return _("%(kind)s er givet fra %(first)s til og med %(last)s (%(days)s dage).") % {
            "kind": period.get_kind_display(),
            "first": _day(period.starts_on),
            "last": _day(period.last_day),
            "days": period.days_total,
        }


class PeriodExtendView(CaseActionView):
    action = Action.EXTEND_PERIOD
    form_class = PeriodExtendForm
    title = gettext_lazy("Forlæng perioden")
    intro = gettext_lazy(
        "En forlængelse kræver særlige omstændigheder og at personen vil samarbejde om en forberedt "
        "hjemrejse. Perioden kan højst vare 120 dage i alt."
    )
    submit_label = gettext_lazy("Forlæng")

    def service(self, **kwargs):
        return services.period_extend(**kwargs)

    def success_message(self, case, result):
        period = Period.objects.get(case=result)  # the case's cached period predates the write
        return _("Perioden er forlænget til og med %(last)s: %(days)s dage i alt.") % {
            "last": _day(period.last_day),
            "days": period.days_total,
        }
