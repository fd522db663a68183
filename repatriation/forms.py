from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases.errors import DomainError
from cases.forms import _choose
from cmm.forms import DateInput, FreeTextField, VersionedForm

from . import rules, services
from .attachments import MAX_BYTES
from .models import ReintegrationSupport, Repatriation


class OfferForm(VersionedForm):
    offered_on = forms.DateField(
        label=_("Tilbudt den"),
        widget=DateInput,
        validators=[rules.past_day],
        error_messages={"required": _("Skriv datoen for tilbuddet.")},
    )

    def domain_problems(self, data):
        return rules.offer_problems(case=self.case, offered_on=data.get("offered_on"))


class DecisionForm(VersionedForm):
    answer = forms.ChoiceField(
        label=_("Personens svar"),
        choices=[
            (Repatriation.Answer.ACCEPTED, _("Tager imod forberedt hjemrejse")),
            (Repatriation.Answer.DECLINED, _("Afslår forberedt hjemrejse")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om personen tager imod eller afslår tilbuddet.")},
    )
    answered_on = forms.DateField(
        label=_("Svaret givet den"),
        widget=DateInput,
        validators=[rules.past_day],
        error_messages={"required": _("Skriv datoen for personens svar.")},
    )
    reasons = FreeTextField(
        label=_("Personens begrundelse"),
        required=False,
        help_text=_("Kun hvis personen selv har givet en begrundelse. Gemmes krypteret."),
    )

    def domain_problems(self, data):
        return services.decision_problems(
            case=self.case, repatriation=rules.repatriation_of(self.case), answered_on=data.get("answered_on")
        )


class PlanForm(VersionedForm):
    reintegration_plan = FreeTextField(
        label=_("Individuel reintegrationsplan"),
        rows=8,
        help_text=_("Hvad personen skal have hjælp til efter hjemkomsten, og hvem der hjælper. Gemmes krypteret."),
        error_messages={"required": _("Skriv reintegrationsplanen.")},
    )
    destination = forms.ChoiceField(
        label=_("Destinationsland"),
        choices=lambda: _choose([(code, name) for code, name in countries if code != rules.DANISH]),
        error_messages={"required": _("Vælg det land, personen rejser hjem til.")},
    )
    planned_departure_on = forms.DateField(
        label=_("Planlagt udrejse"),
        required=False,
        widget=DateInput,
        validators=[rules.planned_day],
    )

    def domain_problems(self, data):
        return services.plan_problems(
            repatriation=rules.repatriation_of(self.case),
            planned_departure_on=data.get("planned_departure_on"),
            destination=data.get("destination"),
        )


class SupportForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Støtte"),
        choices=_choose(ReintegrationSupport.Kind.choices),
        error_messages={"required": _("Vælg hvad støtten er til.")},
    )
    amount = forms.DecimalField(
        label=_("Beløb"),
        max_digits=12,
        decimal_places=2,
        localize=True,  # a decimal comma in Danish, as the help asks: 1500,50 (and a point still reads as one)
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Skriv beløbet."),
            "invalid": _("Skriv beløbet som et tal, for eksempel 1500 eller 1500,50."),
            "max_digits": _("Beløbet er for stort."),
            "max_decimal_places": _("Skriv beløbet med højst to decimaler."),
            "max_whole_digits": _("Beløbet er for stort."),
        },
    )
    currency = forms.CharField(
        label=_("Valuta"),
        max_length=3,
        help_text=_("ISO 4217-kode med tre bogstaver, for eksempel EUR, NGN eller USD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 4, "class": "form-input input-width-xs"}),
        error_messages={"required": _("Skriv valutaen, for eksempel EUR.")},
    )
    paid_to_family_member = forms.BooleanField(label=_("Støtten udbetales til et familiemedlem"), required=False)
    family_member_reason = FreeTextField(
        label=_("Hvorfor udbetales støtten til et familiemedlem?"),
        rows=3,
        required=False,
        help_text=_("Skal udfyldes, når støtten udbetales til et familiemedlem."),
    )
    family_member_reason.required_by = "paid_to_family_member"
    note = FreeTextField(label=_("Bemærkning"), rows=3, required=False)

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def domain_problems(self, data):
        return services.support_problems(
            amount=data.get("amount"),
            currency=data.get("currency"),
            paid_to_family_member=data.get("paid_to_family_member"),
            family_member_reason=data.get("family_member_reason", ""),
        )


class ReturnForm(VersionedForm):
    returned_on = forms.DateField(
        label=_("Hjemrejst den"),
        widget=DateInput,
        validators=[rules.past_day],
        help_text=_("Den faktiske udrejse. Reintegrationsstøtten løber seks måneder herfra, opfølgningen seks mere."),
        error_messages={"required": _("Skriv datoen for hjemrejsen.")},
    )

    def domain_problems(self, data):
        return services.return_problems(
            repatriation=rules.repatriation_of(self.case), returned_on=data.get("returned_on")
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES files; their content is judged by the service's checks (repatriation.attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FollowUpReportForm(VersionedForm):
    written_on = forms.DateField(
        label=_("Rapportdato"),
        widget=DateInput,
        validators=[rules.past_day],
        error_messages={"required": _("Skriv rapportens dato.")},
    )
    text = FreeTextField(
        label=_("Rapport"),
        rows=8,
        help_text=_("Hvordan reintegrationen går. Gemmes krypteret."),
        error_messages={"required": _("Skriv rapporten.")},
    )
    attachments = AttachmentsField(
        label=_("Bilag"),
        required=False,
        help_text=_(
            "PDF, JPEG eller PNG, højst 5 filer på højst 10 MB hver. Billeder gemmes uden metadata "
            "(for eksempel GPS-position)."
        ),
    )

    def domain_problems(self, data):
        if "attachments" in self.errors:
            return []
        files = uploads_content(data.get("attachments"))
        _cleaned, refused = services.attachments_clean(files)
        problems = services.report_problems(
            repatriation=rules.repatriation_of(self.case), written_on=data.get("written_on"), files=files
        )
        if refused:  # one message beside the field, naming each file refused
            problems.append(DomainError(" ".join(problem.message for problem in refused), field="attachments"))
        return problems


def uploads_content(uploads) -> list[tuple[str, bytes]]:
    """Each upload as (its label in a refusal, its bytes): never more than one byte past the limit is read.

    The uploaded name is only shown back to the person uploading; it is not stored.
    """
    files = []
    for number, upload in enumerate(uploads or [], start=1):
        upload.seek(0)
        label = _("Fil %(number)s (%(name)s)") % {"number": number, "name": upload.name[:80]}
        files.append((label, upload.read(MAX_BYTES + 1)))
    return files
