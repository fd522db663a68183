from django import forms
from django.utils.translation import gettext_lazy as _

from cases.codes import ExploitationForm
from cmm.forms import DkfdsForm, FreeTextField, OneLineField

from .models import MESSAGE_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, WHAT_SEEN_MAX_LENGTH, Report

WEB_REPORTER_ROLES = [
    (value, label)
    for value, label in Report.ReporterRole.choices
    if value not in (Report.ReporterRole.PROFESSIONAL, Report.ReporterRole.SELF)
]


def _choose(choices) -> list[tuple[str, str]]:
    return [("", _("Vælg")), *choices]


class _PlaceAndTimeForm(DkfdsForm):
    """Where and when, as the web form and the hotline call both ask it."""

    municipality = OneLineField(label=_("Kommune eller by"), max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    place_kind = forms.ChoiceField(
        label=_("Hvilket slags sted?"), choices=_choose(Report.PlaceKind.choices), required=False
    )
    seen_when = OneLineField(
        label=_("Hvornår?"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        help_text=_("For eksempel en dato, eller “flere gange den seneste måned”."),
    )


class ReportForm(_PlaceAndTimeForm):
    """What a member of the public saw: no field asks who they are, and contact details only if they wish."""

    what_seen = FreeTextField(
        label=_("Hvad har du set eller hørt?"),
        rows=8,
        max_length=WHAT_SEEN_MAX_LENGTH,
        help_text=_("Beskriv så præcist du kan, hvad der skete, og hvem det gik ud over. Skriv ikke dit eget navn."),
        error_messages={"required": _("Skriv hvad du har set eller hørt.")},
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Hvad tror du, der foregår?"),
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Vælg det, der passer. Spring over, hvis du ikke ved det."),
    )
    reporter_role = forms.ChoiceField(
        label=_("Du skriver som"),
        choices=WEB_REPORTER_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om du skriver som privatperson, virksomhed, udlejer eller andet.")},
    )
    contact = OneLineField(
        label=_("Må vi kontakte dig?"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        help_text=_("Kun hvis du vil: et telefonnummer eller en e-mailadresse. Ellers forbliver du anonym."),
    )
    # One report per rendered form, however often it is sent (a reload of the receipt page sends it again).
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("Formularen kunne ikke sendes. Prøv igen.")},
    )
    # A honeypot: hidden from people (and from screen readers), filled in by robots that fill in everything.
    homepage = forms.CharField(
        required=False,
        label=_("Lad dette felt være tomt"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    SECTIONS = (
        ("what", _("Hvad du har set"), ("what_seen", "exploitation_forms")),
        ("where", _("Hvor og hvornår"), ("municipality", "place_kind", "seen_when")),
        ("you", _("Om dig"), ("reporter_role", "contact")),
    )

    def sections(self):
        return [(slug, legend, [self[name] for name in names]) for slug, legend, names in self.SECTIONS]

    @property
    def is_junk(self) -> bool:
        return bool(self.data.get("homepage"))


class ReceiptForm(DkfdsForm):
    code = forms.CharField(
        label=_("Din kvitteringskode"),
        max_length=60,
        help_text=_("Koden fik du, da du sendte indberetningen. Store og små bogstaver er lige gode."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Skriv din kvitteringskode.")},
    )


class InformationForm(DkfdsForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    text = FreeTextField(
        label=_("Mere information"),
        rows=5,
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={"required": _("Skriv hvad du vil tilføje.")},
    )


class HotlineCallForm(DkfdsForm):
    reporter_role = forms.ChoiceField(
        label=_("Hvem ringede"),
        choices=_choose(Report.ReporterRole.choices),
        error_messages={"required": _("Vælg hvem der ringede.")},
    )
    language = OneLineField(label=_("Samtalens sprog"), max_length=100, required=False)
    what_seen = FreeTextField(
        label=_("Hvad blev der fortalt?"),
        rows=6,
        max_length=WHAT_SEEN_MAX_LENGTH,
        error_messages={"required": _("Skriv hvad opkalderen fortalte.")},
    )
    municipality = OneLineField(label=_("Kommune eller by"), max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    place_kind = forms.ChoiceField(
        label=_("Hvilket slags sted?"), choices=_choose(Report.PlaceKind.choices), required=False
    )
    seen_when = OneLineField(label=_("Hvornår?"), max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Formodede udnyttelsesformer"),
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact = OneLineField(
        label=_("Opkalderens kontaktoplysninger"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        help_text=_("Kun hvis opkalderen vil kontaktes."),
    )
    follow_up = FreeTextField(
        label=_("Opfølgning"), rows=3, required=False, help_text=_("Hvad CMM har lovet eller skal gøre.")
    )


class ReplyForm(DkfdsForm):
    text = FreeTextField(
        label=_("Svar til indberetteren"),
        rows=4,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Indberetteren læser svaret med sin kvitteringskode. Skriv intet, der kan skade nogen."),
        error_messages={"required": _("Skriv svaret.")},
    )


class DismissForm(DkfdsForm):
    reason = forms.ChoiceField(
        label=_("Begrundelse"),
        choices=Report.DismissReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg hvorfor indberetningen afsluttes uden sag.")},
    )


class LinkForm(DkfdsForm):
    number = OneLineField(
        label=_("Sagsnummer"), max_length=40, error_messages={"required": _("Skriv nummeret på sagen.")}
    )
