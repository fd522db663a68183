import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cmm.forms import DkfdsForm


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
