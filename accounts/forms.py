import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from cmm.forms import DkfdsForm

from .models import Agency, Role, Team


def _normalise(code: str) -> str:
    # People copy codes with spaces or hyphens ("123 456", "abcd-efgh"); case does not matter.
    return re.sub(r"[\s-]", "", code).lower()


class OTPVerifyForm(DkfdsForm):
    """A 6-digit code from the app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Kode"),
        help_text=_("6 cifre fra din godkendelsesapp, eller en af dine gendannelseskoder."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}|[a-z2-7]{8}", code):
            raise forms.ValidationError(_("Skriv de 6 cifre fra appen, eller en gendannelseskode på 8 tegn."))
        return code


class OTPEnrolForm(DkfdsForm):
    """The first code the newly scanned app shows, to prove that it works."""

    code = forms.CharField(
        label=_("Kode fra appen"),
        help_text=_("De 6 cifre, appen viser lige nu."),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Skriv de 6 cifre, appen viser."))
        return code


class RoleForm(DkfdsForm):
    """Agency, role and team: what the access policy reads about a member of staff."""

    agency = forms.ChoiceField(
        label=_("Myndighed"), choices=[("", _("Ingen myndighed")), *Agency.choices], required=False
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=[("", _("Vælg rolle")), *Role.choices])
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("agency", "name"),
        required=False,
        empty_label=_("Intet team"),
        help_text=_("NGO- og IOM-medarbejdere skal have organisationens team: sager deles med teamet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda team: f"{team.name} ({team.agency})"

    def clean(self):
        from .services import AccountRefused, role_checked

        data = super().clean()
        if {"agency", "role", "team"} <= data.keys():
            try:
                role_checked(agency=data["agency"], role=data["role"], team=data["team"])
            except AccountRefused as refused:
                self.add_error(refused.field, refused.message)
        return data


class UserCreateForm(RoleForm):
    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Bogstaver, tal og . @ + - _"),
    )
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("Linket til at vælge adgangskode sendes hertil. Du ser det ikke selv.")
    )

    field_order = ["username", "first_name", "last_name", "email", "agency", "role", "team"]


class TeamForm(DkfdsForm):
    agency = forms.ChoiceField(label=_("Myndighed"), choices=[("", _("Vælg myndighed")), *Agency.choices])
    name = forms.CharField(label=_("Navn"), max_length=100)


class SetPasswordForm(auth_forms.SetPasswordForm, DkfdsForm):
    """Django's form (the password validators in settings), with the design system's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "Mindst 15 tegn. En sætning er let at huske; undgå almindelige adgangskoder og dit navn."
        )
