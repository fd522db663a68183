import datetime as dt

from django import forms
from django.contrib.postgres.validators import ArrayMaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, DateTimeInput, DkfdsForm, FreeTextField, OneLineField, VersionedForm
from cmm.widgets import FastSelectMultiple, OpenSelect

from .codes import (
    ExploitationForm,
    Gender,
    MeansOfControl,
    RecruiterRelation,
    ReferralChannel,
    ReferralSource,
    ResidenceStatus,
)
from .models import AGE_ESTIMATE_MAX, PERSON_FIELDS, REFERRAL_FIELDS, country_choices, language_choices
from .services import AGE_ESTIMATE_WITH_BIRTH_DATE, notification_problems
from .templatetags.fastdate import fastdate
from .validators import cpr_number_clean, document_number_clean


def _choose(choices) -> list[tuple[str, str]]:
    """A choice the user must make: the list starts with an empty "Vælg", so nothing is chosen for them."""
    return [("", _("Vælg")), *choices]


def _required(message) -> dict:
    return {"required": message}


_STALE_FORM = _("Formularen er for gammel til at blive gemt. Hent siden igen, og udfyld den på ny.")


# Read by a screen reader on an autocomplete's empty input, after the field's own hint and error.
AUTOCOMPLETE_HINT = _("Når der er forslag, kan du gå gennem dem med pil op og pil ned og vælge med Enter.")


class ReferralForm(DkfdsForm):
    """A referral in headed sections (SECTIONS); the view shows the answers to check before the case is made."""

    # The person.
    given_name = OneLineField(
        label=_("Fornavn(e)"), max_length=200, error_messages=_required(_("Skriv personens fornavn."))
    )
    family_name = OneLineField(label=_("Efternavn"), max_length=200, required=False)
    aliases = OneLineField(label=_("Andre navne"), max_length=500, required=False)
    date_of_birth = forms.DateField(
        label=_("Fødselsdato"),
        required=False,
        widget=DateInput,
        validators=[checks.birth_date],
        error_messages={"invalid": _("Skriv fødselsdatoen som en dato, for eksempel 2.12.2001.")},
    )
    date_of_birth_estimated = forms.BooleanField(label=_("Fødselsdatoen er anslået"), required=False)
    age_estimate = forms.IntegerField(
        label=_("Anslået alder (år)"),
        required=False,
        min_value=0,
        max_value=AGE_ESTIMATE_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-input input-width-xs"}),
        help_text=_("Kun når fødselsdatoen er ukendt: hvor gammel personen skønnes at være."),
    )
    unaccompanied = forms.BooleanField(
        label=_("Personen er uledsaget"),
        required=False,
        help_text=_("Uden forældre eller en anden voksen, der har ansvaret for personen."),
    )
    gender = forms.ChoiceField(
        label=_("Køn"),
        choices=_choose(Gender.choices),
        error_messages=_required(_("Vælg personens køn, eller vælg Ikke oplyst.")),
    )
    nationalities = forms.MultipleChoiceField(
        label=_("Statsborgerskab"),
        choices=country_choices,
        required=False,
        widget=FastSelectMultiple(
            attrs={
                "data-autocomplete": "multiple",
                "data-remove": _("Fjern"),
                "data-chosen": _("Valgte lande"),
                "data-no-results": _("Intet land passer"),
                "data-assistive-hint": AUTOCOMPLETE_HINT,
            }
        ),
        help_text=_("Skriv landets navn, og vælg det. Vælg flere, hvis personen har flere statsborgerskaber."),
        validators=[checks.unique_items, ArrayMaxLengthValidator(checks.NATIONALITIES_MAX)],
    )
    primary_language = OneLineField(
        label=_("Sprog"),
        max_length=100,
        required=False,
        widget=OpenSelect(
            attrs={
                "data-autocomplete": "single",
                "data-no-results": _("Intet sprog passer"),
                "data-assistive-hint": AUTOCOMPLETE_HINT,
            },
            choices=language_choices,
            empty_label=_("Vælg"),
        ),
        help_text=_("Det sprog, personen taler bedst. Skriv sprogets navn, og vælg det."),
    )
    # Identity and contact.
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
    # The referral.
    received_at = forms.DateTimeField(
        label=_("Modtaget"),
        widget=DateTimeInput,
        validators=[checks.received],
        help_text=_("Hvornår henvisningen kom til jer."),
        error_messages=_required(_("Angiv hvornår henvisningen blev modtaget.")),
    )
    source = forms.ChoiceField(
        label=_("Henvist af"),
        choices=_choose(ReferralSource.choices),
        error_messages=_required(_("Vælg hvem der henviser.")),
    )
    referring_organisation = OneLineField(
        label=_("Henvisende myndighed eller organisation"), max_length=200, required=False
    )
    referrer_reference = OneLineField(
        label=_("Jeres reference / journalnummer"),
        max_length=100,
        required=False,
        help_text=_("For eksempel politiets journalnummer. Vises på jeres liste over henvisninger."),
    )
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=_choose(ReferralChannel.choices),
        help_text=_("Hvordan personen blev fundet eller henvendte sig."),
        error_messages=_required(_("Vælg hvordan henvisningen kom ind.")),
    )
    residence_status = forms.ChoiceField(
        label=_("Opholdsgrundlag"),
        choices=ResidenceStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Afgør hvem der er kompetent myndighed: CMM ved lovligt ophold, ellers Udlændingestyrelsen."),
        error_messages=_required(_("Vælg personens opholdsgrundlag.")),
    )
    # The exploitation.
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
        choices=_choose(RecruiterRelation.choices),
        error_messages=_required(_("Vælg personens relation til rekrutteringspersonen, eller vælg Ukendt.")),
    )
    circumstances = FreeTextField(label=_("Omstændigheder"), required=False)
    # Detention: the time is asked for, and required, only when the box is ticked (DKFDS's checkbox reveal).
    detained = forms.BooleanField(
        label=_("Personen er frihedsberøvet"),
        required=False,
        widget=forms.CheckboxInput(
            attrs={"class": "form-checkbox js-checkbox-toggle-content", "data-aria-controls": "detained-collapse"}
        ),
    )
    detained_at = forms.DateTimeField(
        label=_("Frihedsberøvet siden"),
        required=False,
        widget=DateTimeInput,
        help_text=_("Identifikation skal normalt ske inden for 72 timer fra frihedsberøvelsen."),
        validators=[checks.detained],
    )
    detained_at.required_by = "detained"  # not "valgfri": required once the box is ticked
    # One case per rendered form, however often it is posted (cases.submissions).
    form_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _STALE_FORM, "invalid": _STALE_FORM}
    )

    SECTIONS = (
        (
            "person",
            _("Personen"),
            (
                "given_name",
                "family_name",
                "aliases",
                "date_of_birth",
                "date_of_birth_estimated",
                "age_estimate",
                "unaccompanied",
                "gender",
                "nationalities",
                "primary_language",
            ),
        ),
        (
            "identity",
            _("Identitetsoplysninger og kontakt"),
            ("cpr_number", "document_number", "phone", "address", "notes"),
        ),
        (
            "referral",
            _("Henvisningen"),
            ("received_at", "source", "referring_organisation", "referrer_reference", "channel", "residence_status"),
        ),
        (
            "exploitation",
            _("Udnyttelse"),
            ("exploitation_forms", "means_of_control", "recruiter_relation", "circumstances"),
        ),
        ("detention", _("Frihedsberøvelse"), ("detained", "detained_at")),
    )

    def clean_cpr_number(self) -> str:
        return cpr_number_clean(self.cleaned_data["cpr_number"])

    def clean_document_number(self) -> str:
        return document_number_clean(self.cleaned_data["document_number"])

    def clean(self):
        data = super().clean()
        if not data.get("detained"):
            # The time belongs to the ticked box: with the box clear it is hidden, and not taken.
            data["detained_at"] = None
            self.errors.pop("detained_at", None)
        elif not data.get("detained_at") and "detained_at" not in self.errors:
            self.add_error("detained_at", _("Angiv hvornår personen blev frihedsberøvet."))
        if data.get("received_at") and data["received_at"] > timezone.now():
            self.add_error("received_at", _("Henvisningen kan ikke være modtaget i fremtiden."))
        if data.get("date_of_birth") and data.get("age_estimate") is not None:
            self.add_error("age_estimate", str(AGE_ESTIMATE_WITH_BIRTH_DATE))
        return data

    def sections(self):
        """The form's fields by section, for the template: (slug, legend, bound fields)."""
        return [(slug, legend, [self[name] for name in names]) for slug, legend, names in self.SECTIONS]

    def answers(self):
        """The valid answers by section as the user reads them: (slug, legend, [(field name, label, lines)]).

        An answer not given has no lines; detention's time is left out with the box clear.
        """
        return [
            (slug, legend, [(name, self.fields[name].label, self._answer(name)) for name in names if self._asked(name)])
            for slug, legend, names in self.SECTIONS
        ]

    def _asked(self, name: str) -> bool:
        required_by = getattr(self.fields[name], "required_by", None)
        return required_by is None or bool(self.cleaned_data.get(required_by))

    def _answer(self, name: str) -> list[str]:
        field, value = self.fields[name], self.cleaned_data.get(name)
        if isinstance(field, forms.BooleanField):
            return [_("Ja") if value else _("Nej")]
        if value in (None, "", []):
            return []
        if isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)
            return [labels.get(item, item) for item in value]
        choices = getattr(field.widget, "choices", None) if isinstance(field.widget, OpenSelect) else None
        if isinstance(field, forms.ChoiceField) or choices is not None:
            return [dict(field.choices if choices is None else choices).get(value, value)]
        if isinstance(value, dt.datetime):
            return [fastdate(timezone.localtime(value), "DATETIME_FORMAT")]
        if isinstance(value, dt.date):
            return [fastdate(value, "DATE_FORMAT")]
        return [str(value)]

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
