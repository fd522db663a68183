from django import forms
from django.contrib.postgres.validators import ArrayMaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, DateTimeInput, DkfdsForm, FreeTextField, OneLineField, VersionedForm

from .codes import (
    ExploitationForm,
    Gender,
    MeansOfControl,
    RecruiterRelation,
    ReferralChannel,
    ReferralSource,
    ResidenceStatus,
)
from .models import PERSON_FIELDS, REFERRAL_FIELDS, country_choices
from .services import notification_problems
from .validators import cpr_number_clean, document_number_clean


class ReferralForm(DkfdsForm):
    given_name = OneLineField(label=_("Fornavn(e)"), max_length=200)
    family_name = OneLineField(label=_("Efternavn"), max_length=200, required=False)
    aliases = OneLineField(label=_("Andre navne"), max_length=500, required=False)
    date_of_birth = forms.DateField(
        label=_("Fødselsdato"), required=False, widget=DateInput, validators=[checks.birth_date]
    )
    date_of_birth_estimated = forms.BooleanField(label=_("Fødselsdatoen er anslået"), required=False)
    gender = forms.ChoiceField(label=_("Køn"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationalities = forms.MultipleChoiceField(
        label=_("Statsborgerskab"),
        choices=country_choices,
        required=False,
        help_text=_("Vælg et eller flere lande (hold Ctrl nede for at vælge flere)."),
        validators=[checks.unique_items, ArrayMaxLengthValidator(checks.NATIONALITIES_MAX)],
    )
    primary_language = OneLineField(label=_("Sprog"), max_length=100, required=False)
    cpr_number = forms.CharField(
        label=_("CPR-nummer"), max_length=11, required=False, help_text=_("DDMMÅÅ-XXXX, hvis personen har et.")
    )
    document_number = forms.CharField(label=_("Pas- eller ID-nummer"), max_length=50, required=False)
    phone = OneLineField(label=_("Telefon"), max_length=40, required=False)
    address = FreeTextField(label=_("Adresse"), rows=2, max_length=checks.ADDRESS_MAX_LENGTH, required=False)
    notes = FreeTextField(
        label=_("Noter om personen"),
        rows=3,
        required=False,
        help_text=_("Kun hvad sagen har brug for. Noterne gemmes krypteret."),
    )

    received_at = forms.DateTimeField(label=_("Modtaget"), widget=DateTimeInput, validators=[checks.received])
    source = forms.ChoiceField(label=_("Henvist af"), choices=ReferralSource.choices)
    channel = forms.ChoiceField(label=_("Kanal"), choices=ReferralChannel.choices)
    referring_organisation = OneLineField(
        label=_("Henvisende myndighed eller organisation"), max_length=200, required=False
    )
    residence_status = forms.ChoiceField(
        label=_("Opholdsgrundlag"),
        choices=ResidenceStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Afgør hvem der er kompetent myndighed: CMM ved lovligt ophold, ellers Udlændingestyrelsen."),
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Formodede udnyttelsesformer"),
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én formodet udnyttelsesform.")},
        validators=[checks.unique_items],
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Kontrolmidler"),
        choices=MeansOfControl.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=[checks.unique_items],
    )
    recruiter_relation = forms.ChoiceField(
        label=_("Relation til rekrutteringsperson"),
        choices=RecruiterRelation.choices,
        initial=RecruiterRelation.UNKNOWN,
    )
    detained = forms.BooleanField(label=_("Personen er frihedsberøvet"), required=False)
    detained_at = forms.DateTimeField(
        label=_("Frihedsberøvet siden"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Identifikation skal normalt ske inden for 72 timer fra frihedsberøvelsen."),
        validators=[checks.detained],
    )
    circumstances = FreeTextField(label=_("Omstændigheder"), required=False)
    # One case per rendered form, however often it is posted (cases.submissions).
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Formularen er for gammel til at blive gemt. Hent siden igen, og udfyld den på ny."),
            "invalid": _("Formularen er for gammel til at blive gemt. Hent siden igen, og udfyld den på ny."),
        },
    )

    def clean_cpr_number(self) -> str:
        return cpr_number_clean(self.cleaned_data["cpr_number"])

    def clean_document_number(self) -> str:
        return document_number_clean(self.cleaned_data["document_number"])

    def clean(self):
        data = super().clean()
        now = timezone.now()
        if data.get("detained") and not data.get("detained_at") and "detained_at" not in self.errors:
            self.add_error("detained_at", _("Angiv hvornår personen blev frihedsberøvet."))
        if data.get("detained_at") and not data.get("detained"):
            self.add_error("detained", _("Markér at personen er frihedsberøvet, eller fjern tidspunktet."))
        if data.get("received_at") and data["received_at"] > now:
            self.add_error("received_at", _("Henvisningen kan ikke være modtaget i fremtiden."))
        return data

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    def referral_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REFERRAL_FIELDS}


class NotificationForm(VersionedForm):
    notified_at = forms.DateTimeField(
        label=_("Underrettet"),
        widget=DateTimeInput,
        validators=[checks.notified],
        help_text=_("Hvornår politiet og Udlændingestyrelsen blev underrettet om afgørelsen."),
        error_messages={
            "required": _("Skriv hvornår politiet og Udlændingestyrelsen blev underrettet."),
            "invalid": _("Skriv dato og klokkeslæt for underretningen, for eksempel 4.5.2026 14:30."),
        },
    )

    def domain_problems(self, data):
        return notification_problems(case=self.case, notified_at=data.get("notified_at"))
