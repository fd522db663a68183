"""The forms of a victim's case after identification: contact person, a leaver's cases, representative, closing."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cmm.forms import DateInput, DkfdsForm, FreeTextField, OneLineField, VersionedForm

from . import lifecycle
from .models import Case, Representative


def staff_label(user: User) -> str:
    """A colleague as the lists name them: the name, the team, and whether they have left."""
    label = str(user)
    if user.team_id:
        label += f" ({user.team.name})"
    if not user.is_active:
        label += " – " + gettext("deaktiveret")
    return label


class ContactPersonForm(VersionedForm):
    contact_person = forms.ModelChoiceField(
        label=_("Kontaktperson"),
        queryset=User.objects.none(),
        empty_label=_("Vælg kontaktperson"),
        help_text=_("En aktiv kontaktperson i Center mod Menneskehandel."),
        error_messages={
            "required": _("Vælg sagens kontaktperson."),
            "invalid_choice": _("Vælg en aktiv kontaktperson på listen."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contact_person"]
        field.queryset = lifecycle.contact_persons()
        field.label_from_instance = staff_label

    def domain_problems(self, data):
        return lifecycle.contact_person_assign_problems(case=self.case, contact_person=data.get("contact_person"))


class CasesMoveForm(DkfdsForm):
    """A leaver's open cases to one colleague. The choices come from all staff, so that a refused choice (a user
    who is not an active contact person) is refused by the service's rule, in its words."""

    leaver = forms.ModelChoiceField(
        label=_("Fratrådt medarbejder"),
        queryset=User.objects.none(),
        empty_label=_("Vælg medarbejder"),
        help_text=_("Kontaktpersoner med åbne sager; deaktiverede står sidst."),
        error_messages={"required": _("Vælg den medarbejder, sagerne skal flyttes fra.")},
    )
    receiver = forms.ModelChoiceField(
        label=_("Kollega, der overtager sagerne"),
        queryset=User.objects.none(),
        empty_label=_("Vælg kollega"),
        error_messages={"required": _("Vælg den kollega, der overtager sagerne.")},
    )
    # The number of cases the confirmation named: if it has changed by the time of "Ja", nothing moves.
    expected_count = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaver"].queryset = lifecycle.leavers()
        self.fields["receiver"].queryset = lifecycle.contact_persons()
        # A chosen user who has since left, or another role, is kept so that the service can say why not.
        self.fields["leaver"].error_messages["invalid_choice"] = _("Vælg en medarbejder på listen.")
        self.fields["receiver"].error_messages["invalid_choice"] = _("Vælg en aktiv kontaktperson på listen.")
        for name in ("leaver", "receiver"):
            self.fields[name].label_from_instance = staff_label

    def clean(self):
        data = super().clean()
        for problem in lifecycle.cases_move_problems(leaver=data.get("leaver"), receiver=data.get("receiver")):
            self.add_error(problem.field if problem.field not in self.errors else None, problem.message)
        return data


class RepresentativeForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Representative.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg om det er en personlig repræsentant eller en forældremyndighedsindehaver.")
        },
    )
    name = OneLineField(label=_("Navn"), max_length=200, error_messages={"required": _("Skriv repræsentantens navn.")})
    organisation = OneLineField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("For eksempel kommunen eller Røde Kors, hvis repræsentanten kommer derfra."),
    )
    phone = OneLineField(label=_("Telefon"), max_length=40, required=False)
    appointed_on = forms.DateField(
        label=_("Beskikket"),
        widget=DateInput,
        validators=[lifecycle.appointed],
        help_text=_("Den dag, repræsentanten blev beskikket eller fik forældremyndigheden."),
        error_messages={"required": _("Skriv hvornår repræsentanten blev beskikket.")},
    )

    def domain_problems(self, data):
        return lifecycle.representative_problems(appointed_on=data.get("appointed_on"))


class CaseCloseForm(VersionedForm):
    exit_reason = forms.ChoiceField(
        label=_("Afslutningsårsag"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg hvorfor sagen afsluttes."),
            "invalid_choice": _("Vælg en af afslutningsårsagerne på listen."),
        },
    )
    exit_on = forms.DateField(
        label=_("Afslutningsdato"),
        widget=DateInput,
        validators=[lifecycle.exit_day],
        help_text=_("Den dag, personen forlod forløbet: udrejsen, overførslen, forsvindingen."),
        error_messages={"required": _("Skriv afslutningsdatoen.")},
    )
    exit_note = FreeTextField(
        label=_("Bemærkning"),
        rows=4,
        required=False,
        help_text=_("Skal udfyldes, når årsagen er “Andet”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        returned = self.case is not None and self.case.status == Case.Status.RETURNED
        self.fields["exit_reason"].choices = [
            (value, label)
            for value, label in Case.ExitReason.choices
            if value in lifecycle.CLOSING_REASONS and (returned or value != Case.ExitReason.PREPARED_REPATRIATION)
        ]
        early = lifecycle.closing_early(self.case.deadlines.all()) if self.case is not None else None
        if early is not None:
            field = self.fields["exit_note"]
            field.label = _("Begrundelse for at afslutte før opfølgningen slutter")
            field.help_text = _(
                "Opfølgningen efter hjemrejsen slutter %(day)s. Afsluttes sagen før, skal begrundelsen registreres."
            ) % {"day": date_format(early, "DATE_FORMAT")}
            field.required_by = "early"  # asked for, and required: not "valgfri"
        if not self.is_bound:
            self.fields["exit_on"].initial = timezone.localdate()

    def domain_problems(self, data):
        return lifecycle.case_close_problems(
            case=self.case,
            deadlines=self.case.deadlines.all(),
            exit_reason=data.get("exit_reason"),
            exit_on=data.get("exit_on"),
            exit_note=data.get("exit_note"),
        )
