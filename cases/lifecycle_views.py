"""Pages of a victim's case after identification: where it stands, its contact person, a minor's representative,
closing it; and a coordinator's move of a leaver's cases to a colleague."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from access.policy import Action
from cmm.confirm import Confirmation, ConfirmationMixin

from . import lifecycle
from .errors import DomainError
from .lifecycle_forms import CaseCloseForm, CasesMoveForm, ContactPersonForm, RepresentativeForm, staff_label
from .models import Case
from .views import CaseActionView


class ContactPersonAssignView(CaseActionView):
    action = Action.ASSIGN_CONTACT_PERSON
    form_class = ContactPersonForm
    title = gettext_lazy("Tildel kontaktperson")
    intro = gettext_lazy(
        "Alle ofre får en kontaktperson i Center mod Menneskehandel, også i Udlændingestyrelsens sager. "
        "Kontaktpersonen ser sagen og koordinerer støtten."
    )
    submit_label = gettext_lazy("Tildel kontaktperson")

    def intro_for(self, case):
        if case.contact_person_id:
            return _("Sagens kontaktperson er nu %(user)s. Vælg den kollega, der overtager sagen.") % {
                "user": case.contact_person
            }
        return self.intro

    def service(self, **kwargs):
        return lifecycle.contact_person_assign(**kwargs)

    def success_message(self, case, result):
        return _("%(user)s er nu sagens kontaktperson.") % {"user": result.contact_person}


class RepresentativeRecordView(CaseActionView):
    action = Action.RECORD_REPRESENTATIVE
    form_class = RepresentativeForm
    title = gettext_lazy("Registrér repræsentant")
    intro = gettext_lazy(
        "En uledsaget mindreårig skal have en personlig repræsentant eller en person med forældremyndighed, før "
        "perioden, støtten og udrejsen kan begynde. Handleplanen laves sammen med repræsentanten."
    )
    submit_label = gettext_lazy("Registrér repræsentant")

    def intro_for(self, case):
        current = lifecycle.current_representative(case)
        if current is None:
            return self.intro
        return _("%(kind)s nu: %(name)s. En ny repræsentant afløser den nuværende.") % {
            "kind": current.get_kind_display(),
            "name": current.name,
        }

    def initial(self, case):
        return {"appointed_on": timezone.localdate()}

    def service(self, **kwargs):
        return lifecycle.representative_record(**kwargs)

    def success_message(self, case, result):
        current = lifecycle.current_representative(Case.objects.get(pk=result.pk))
        return _("%(kind)s er registreret: %(name)s.") % {"kind": current.get_kind_display(), "name": current.name}


class CaseCloseView(CaseActionView):
    action = Action.CLOSE_CASE
    form_class = CaseCloseForm
    title = gettext_lazy("Afslut sagen")
    submit_label = gettext_lazy("Fortsæt")

    def intro_for(self, case):
        early = lifecycle.closing_early(case.deadlines.all())
        if early is not None:
            return _("Personen følges op til og med %(day)s. Sagen kan afsluttes før, men kun med en begrundelse.") % {
                "day": date_format(early, "DATE_FORMAT")
            }
        return _("Registrér hvordan forløbet sluttede. Sagens åbne frister lukkes, når sagen afsluttes.")

    def confirmation(self, case, form):
        data = form.cleaned_data
        pending = [d for d in case.deadlines.all() if d.closed_at is None and d.status in lifecycle.PENDING_STATUSES]
        consequence = _("Sagen afsluttes, og det kan ikke fortrydes her.")
        if pending:
            consequence += " " + ngettext(
                "Sagens åbne frist lukkes: %(kinds)s.", "Sagens %(count)d åbne frister lukkes: %(kinds)s.", len(pending)
            ) % {"count": len(pending), "kinds": ", ".join(str(d.get_kind_display()) for d in pending)}
        return Confirmation(
            title=_("Afslut sagen"),
            lead=_("Kontrollér oplysningerne, før sagen afsluttes."),
            summary=[
                (form.fields["exit_reason"].label, Case.ExitReason(data["exit_reason"]).label),
                (form.fields["exit_on"].label, date_format(data["exit_on"], "DATE_FORMAT")),
                (form.fields["exit_note"].label, data.get("exit_note", "")),
            ],
            consequence=consequence,
            confirm_label=_("Ja, afslut sagen"),
        )

    def service(self, **kwargs):
        return lifecycle.case_close(**kwargs)

    def success_message(self, case, result):
        return _("Sagen er afsluttet: %(reason)s, %(day)s.") % {
            "reason": result.get_exit_reason_display(),
            "day": date_format(result.exit_on, "DATE_FORMAT"),
        }


class CasesMoveView(ConfirmationMixin, View):
    """ "Flyt sager fra en fratrådt medarbejder": the leaver and the colleague, a confirmation, then all at once."""

    template = "cases/move_cases.html"

    def get(self, request):
        return self.render(CasesMoveForm())

    def post(self, request):
        form = CasesMoveForm(request.POST)
        if self.going_back() or not form.is_valid():
            return self.render(form, status=200 if self.going_back() else 400)
        leaver, receiver = form.cleaned_data["leaver"], form.cleaned_data["receiver"]
        if not self.confirmed():
            count = lifecycle.open_cases_of(leaver).count()
            data = form.data.copy()
            data["expected_count"] = count
            return self.render_confirmation(
                Confirmation(
                    title=ngettext(
                        "Flyt %(count)d sag fra %(leaver)s til %(receiver)s?",
                        "Flyt %(count)d sager fra %(leaver)s til %(receiver)s?",
                        count,
                    )
                    % {"count": count, "leaver": leaver, "receiver": receiver},
                    summary=[
                        (form.fields["leaver"].label, staff_label(leaver)),
                        (form.fields["receiver"].label, staff_label(receiver)),
                        (_("Åbne sager"), str(count)),
                    ],
                    consequence=_(
                        "%(receiver)s bliver kontaktperson i alle sagerne på én gang. Hver sag får en hændelse i sin "
                        "tidslinje."
                    )
                    % {"receiver": receiver},
                    confirm_label=_("Ja, flyt sagerne"),
                ),
                form=CasesMoveForm(data),
                breadcrumbs_template="cases/_move_cases_breadcrumbs.html",
            )
        try:
            moved = lifecycle.cases_move(
                actor=request.user,
                leaver=leaver,
                receiver=receiver,
                expected_count=form.cleaned_data.get("expected_count"),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render(form, status=400)
        messages.success(
            request,
            ngettext(
                "%(count)d sag er flyttet fra %(leaver)s til %(receiver)s.",
                "%(count)d sager er flyttet fra %(leaver)s til %(receiver)s.",
                len(moved),
            )
            % {"count": len(moved), "leaver": leaver, "receiver": receiver},
        )
        return redirect("cases:move_cases")

    def render(self, form, status=200):
        # Staff and a count of cases: no case's data, so no read row.
        return render(self.request, self.template, {"form": form}, status=status)
