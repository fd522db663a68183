from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, FreeTextField, OneLineField, VersionedForm

from . import services
from .models import ACTIVITY_MAX_LENGTH, GOAL_MAX_LENGTH, PLAN_ROWS_MAX, RESPONSIBLE_MAX_LENGTH, SupportService

Status = SupportService.Status


# Dates within the database's bounds; the domain's own limits are support.services's.
SERVICE_DATE = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=2)
PLAN_MADE = checks.DateRange(
    checks.EARLIEST_EVENT, future_message=_("Handlingsplanen kan ikke være udarbejdet i fremtiden.")
)
PLAN_DATE = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=3)


def _choose(choices) -> list[tuple[str, str]]:
    return [("", _("Vælg")), *choices]


class SupportServiceForm(VersionedForm):
    """Record a service offered to the person, or one they already receive."""

    type = forms.ChoiceField(
        label=_("Støtte"),
        choices=_choose(SupportService.Type.choices),
        error_messages={"required": _("Vælg hvilken støtte det er."), "invalid_choice": _("Vælg en støtte på listen.")},
    )
    provider = OneLineField(
        label=_("Udbyder"),
        max_length=200,
        help_text=_("Hvem giver støtten, for eksempel krisecentret, lægen eller advokaten."),
        error_messages={"required": _("Skriv hvem der giver støtten.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Status.OFFERED, Status.OFFERED.label), (Status.ACCEPTED, Status.ACCEPTED.label)],
        widget=forms.RadioSelect,
        initial=Status.OFFERED,
        help_text=_("Accepteret: personen har taget imod støtten og modtager den."),
        error_messages={"required": _("Vælg om støtten er tilbudt eller accepteret.")},
    )
    starts_on = forms.DateField(
        label=_("Fra og med"),
        widget=DateInput,
        validators=[SERVICE_DATE],
        error_messages={"required": _("Skriv den dag, støtten begynder.")},
    )
    ends_on = forms.DateField(
        label=_("Til og med"),
        widget=DateInput,
        required=False,
        validators=[SERVICE_DATE],
        help_text=_("Den planlagte sidste dag, hvis den kendes."),
    )
    note = FreeTextField(
        label=_("Bemærkning"),
        rows=3,
        required=False,
        help_text=_("Kun hvad sagen har brug for. Bemærkningen gemmes krypteret."),
    )

    def domain_problems(self, data):
        return services.support_service_problems(
            case=self.case, starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), status=data.get("status")
        )


class SupportServiceUpdateForm(VersionedForm):
    """Change a service's status, its planned end date or its note (support.services's rules)."""

    service_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=checks.VERSION_MAX)
    status = forms.ChoiceField(
        label=_("Status"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg støttens status."), "invalid_choice": _("Vælg en af mulighederne.")},
    )
    ends_on = forms.DateField(
        label=_("Til og med"),
        widget=DateInput,
        required=False,
        validators=[SERVICE_DATE],
        help_text=_("Den sidste dag. Afslutter du støtten uden en dato, slutter den i dag."),
    )
    note = FreeTextField(label=_("Bemærkning"), rows=3, required=False)

    def __init__(self, *args, service: SupportService, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)
        allowed = services.TRANSITIONS[Status(service.status)]
        self.fields["status"].choices = [(value, label) for value, label in Status.choices if value in allowed]

    def domain_problems(self, data):
        status = data.get("status")
        ends_on = data.get("ends_on")
        if status == Status.ENDED and ends_on is None:
            ends_on = timezone.localdate()
        return services.support_service_change_problems(
            service=self.service, status=status, ends_on=ends_on, note=data.get("note")
        )


# The rows of the plan's three lists: the form's field prefix, the button's value, and its blank rows.
GOAL, ACTIVITY, REVIEW = "goal", "activity", "review"
ROW_KINDS = (GOAL, ACTIVITY, REVIEW)
BLANK_ROWS = 1
NEW_PLAN_ROWS = 2


def _rows(source, kind: str, default: int) -> int:
    """How many rows of a kind the form shows (carried in a hidden field), within 1 and PLAN_ROWS_MAX."""
    value = checks.ascii_int(str(source.get(f"{kind}_rows", ""))) if source else None
    return min(max(value if value is not None else default, 1), PLAN_ROWS_MAX)


class ActionPlanForm(VersionedForm):
    """The next version of the action plan, from the current one's content.

    Goals, activities and review dates are rows of plain fields; "Tilføj række" (a submit button) shows the
    form again with one more row, and a row left empty is left out: no script is needed. The row counts are
    hidden fields.
    """

    template_name = "support/action_plan_form.html"

    made_on = forms.DateField(
        label=_("Udarbejdet"),
        widget=DateInput,
        validators=[PLAN_MADE],
        help_text=_("Den dag, planen blev lagt sammen med personen."),
        error_messages={"required": _("Skriv den dag, planen blev udarbejdet.")},
    )
    made_with_person = forms.BooleanField(label=_("Udarbejdet sammen med personen"), required=False)
    made_with_representative = forms.BooleanField(
        label=_("Udarbejdet sammen med personens repræsentant"),
        required=False,
        help_text=_("Den personlige repræsentant eller forældremyndighedsindehaveren for en uledsaget mindreårig."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.row_counts = {
            GOAL: _rows(source, GOAL, 1),
            ACTIVITY: _rows(source, ACTIVITY, 1),
            REVIEW: _rows(source, REVIEW, 1),
        }
        for kind, count in self.row_counts.items():
            self.fields[f"{kind}_rows"] = forms.IntegerField(widget=forms.HiddenInput, initial=count, required=False)
            for i in range(1, count + 1):
                self._add_row(kind, i)
        for field in self.fields.values():  # the rows came after DkfdsForm gave the fields their classes
            if not isinstance(field.widget, (forms.HiddenInput, forms.CheckboxInput)):
                field.widget.attrs.setdefault("class", "form-input")

    def _add_row(self, kind: str, i: int) -> None:
        if kind == GOAL:
            self.fields[f"goal_{i}"] = FreeTextField(
                label=_("Mål %(n)s") % {"n": i}, rows=2, max_length=GOAL_MAX_LENGTH, required=False
            )
        elif kind == ACTIVITY:
            self.fields[f"activity_{i}_text"] = FreeTextField(
                label=_("Aktivitet %(n)s") % {"n": i}, rows=2, max_length=ACTIVITY_MAX_LENGTH, required=False
            )
            self.fields[f"activity_{i}_responsible"] = OneLineField(
                label=_("Ansvarlig for aktivitet %(n)s") % {"n": i},
                max_length=RESPONSIBLE_MAX_LENGTH,
                required=False,
                help_text=_("For eksempel personen selv, kontaktpersonen eller krisecentret.") if i == 1 else "",
            )
            self.fields[f"activity_{i}_due_on"] = forms.DateField(
                label=_("Frist for aktivitet %(n)s") % {"n": i},
                widget=DateInput,
                required=False,
                validators=[PLAN_DATE],
            )
        else:
            self.fields[f"review_{i}"] = forms.DateField(
                label=_("Opfølgningsdato %(n)s") % {"n": i}, widget=DateInput, required=False, validators=[PLAN_DATE]
            )

    @classmethod
    def initial_for(cls, version) -> dict:
        """The form's start: the current version's goals, activities and coming review dates, one blank row more."""
        today = timezone.localdate()
        initial = {"made_on": today, "made_with_person": True}
        if version is None:
            return {**initial, **{f"{kind}_rows": NEW_PLAN_ROWS for kind in ROW_KINDS}}
        initial["made_with_person"] = version.made_with_person
        initial["made_with_representative"] = version.made_with_representative
        for i, goal in enumerate(version.goals, start=1):
            initial[f"goal_{i}"] = goal
        for i, activity in enumerate(version.activities, start=1):
            initial[f"activity_{i}_text"] = activity["text"]
            initial[f"activity_{i}_responsible"] = activity["responsible"]
            initial[f"activity_{i}_due_on"] = activity["due_on"]
        coming = [day for day in version.review_dates if day > today]
        for i, day in enumerate(coming, start=1):
            initial[f"review_{i}"] = day
        initial["goal_rows"] = len(version.goals) + BLANK_ROWS
        initial["activity_rows"] = len(version.activities) + BLANK_ROWS
        initial["review_rows"] = len(coming) + BLANK_ROWS
        return initial

    @classmethod
    def initial_from_post(cls, data, *, add: str) -> dict:
        """The form again as it was sent, unsaved and unchecked, with one more row of `add`."""
        initial = {name: value for name, value in data.items() if name != "csrfmiddlewaretoken"}
        for name in ("made_with_person", "made_with_representative"):
            initial[name] = name in data
        initial[f"{add}_rows"] = _rows(data, add, 1) + 1
        return initial

    def rows(self, kind: str) -> list[list]:
        """The bound fields of each row of a kind, for the template."""
        names = {
            GOAL: ["goal_{i}"],
            ACTIVITY: ["activity_{i}_text", "activity_{i}_responsible", "activity_{i}_due_on"],
            REVIEW: ["review_{i}"],
        }[kind]
        return [[self[name.format(i=i)] for name in names] for i in range(1, self.row_counts[kind] + 1)]

    def goal_list(self):
        return self.rows(GOAL)

    def activity_list(self):
        return self.rows(ACTIVITY)

    def review_list(self):
        return self.rows(REVIEW)

    def clean(self):
        data = self.cleaned_data
        data["goals"] = [
            data[f"goal_{i}"].strip()
            for i in range(1, self.row_counts[GOAL] + 1)
            if (data.get(f"goal_{i}") or "").strip()
        ]
        data["activities"] = []
        for i in range(1, self.row_counts[ACTIVITY] + 1):
            text = (data.get(f"activity_{i}_text") or "").strip()
            responsible = (data.get(f"activity_{i}_responsible") or "").strip()
            due_on = data.get(f"activity_{i}_due_on")
            if not (text or responsible or due_on):
                continue  # an empty row is no activity
            if not text:
                self.add_error(f"activity_{i}_text", _("Skriv aktiviteten, eller tøm rækken."))
            if not responsible:
                self.add_error(f"activity_{i}_responsible", _("Skriv hvem der er ansvarlig for aktiviteten."))
            data["activities"].append({"text": text, "responsible": responsible, "due_on": due_on})
        data["review_dates"] = [
            data[f"review_{i}"] for i in range(1, self.row_counts[REVIEW] + 1) if data.get(f"review_{i}")
        ]
        return super().clean()

    def domain_problems(self, data):
        problems = services.action_plan_problems(
            case=self.case,
            made_on=data.get("made_on"),
            made_with_person=data.get("made_with_person"),
            made_with_representative=data.get("made_with_representative"),
            goals=data.get("goals"),
            activities=data.get("activities"),
            review_dates=data.get("review_dates"),
        )
        # Each problem beside the row it concerns: the lists' first field, the checkbox for "made with".
        for problem in problems:
            problem.field = self._field_for(problem.field, data)
        return problems

    def _field_for(self, field: str | None, data) -> str | None:
        if field == "made_with":
            return "made_with_person"
        if field == "goals":
            return "goal_1"
        if field == "activities":
            made_on = data.get("made_on")
            for i in range(1, self.row_counts[ACTIVITY] + 1):
                due_on = data.get(f"activity_{i}_due_on")
                if due_on and made_on and due_on < made_on:
                    return f"activity_{i}_due_on"
            return "activity_1_text"
        if field == "review_dates":
            return next(
                (f"review_{i}" for i in range(1, self.row_counts[REVIEW] + 1) if data.get(f"review_{i}")), "review_1"
            )
        return field

    def service_data(self) -> dict:
        """The cleaned input as support.services.action_plan_version_save takes it."""
        data = self.cleaned_data
        return {
            "made_on": data["made_on"],
            "made_with_person": data["made_with_person"],
            "made_with_representative": data["made_with_representative"],
            "goals": data["goals"],
            "activities": data["activities"],
            "review_dates": data["review_dates"],
        }
