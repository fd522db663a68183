from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.policy import Action
from cases.views import CaseActionView

from . import services
from .forms import AssessmentForm, PeriodExtendForm, PeriodGrantForm


class AssessmentRecordView(CaseActionView):
    action = Action.ASSESS
    form_class = AssessmentForm
    title = _("Registrér vurdering")
    intro = _(
        "Afgørelsen om personen er offer for menneskehandel. Ved “ikke offer” skal politi og "
        "Udlændingestyrelsen underrettes straks."
    )
    submit_label = _("Registrér vurdering")

    def initial(self, case):
        now = timezone.localtime()
        return {"decided_on": now.date(), "decided_time": now.time().replace(second=0, microsecond=0)}

    def service(self, **kwargs):
        return services.assessment_record(**kwargs)


class PeriodGrantView(CaseActionView):
    action = Action.GRANT_PERIOD
    form_class = PeriodGrantForm
    title = _("Giv refleksions- eller restitutionsperiode")
    submit_label = _("Giv periode")

    def initial(self, case):
        return {"starts_on": case.assessment.decided_on}

    def service(self, **kwargs):
        return services.period_grant(**kwargs)


class PeriodExtendView(CaseActionView):
    action = Action.EXTEND_PERIOD
    form_class = PeriodExtendForm
    title = _("Forlæng perioden")
    intro = _(
        "En forlængelse kræver særlige omstændigheder og at personen vil samarbejde om en forberedt "
        "hjemrejse. Perioden kan højst vare 120 dage i alt."
    )
    submit_label = _("Forlæng")

    def service(self, **kwargs):
        return services.period_extend(**kwargs)
