from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from cases.codes import ResidenceStatus
from cmm import validators as checks
from cmm.forms import DateInput, DkfdsForm, FreeTextField, OneLineField, VersionedForm

from . import services
from .models import Share
from .services import SHAREABLE_AGENCIES

TEXT_TOO_LONG = _("Begrundelsen må højst være %(limit_value)s tegn (nu %(show_value)s).")


class ShareForm(VersionedForm):
    team = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Team.objects.filter(agency__in=SHAREABLE_AGENCIES).order_by("agency", "name"),
        # No organisation is preselected: the person consented to one in particular.
        empty_label=_("Vælg organisation"),
        error_messages={
            "required": _("Vælg den organisation, personen har givet samtykke til."),
            "invalid_choice": _("Vælg en organisation på listen."),
        },
    )
    scope = forms.ChoiceField(
        label=_("Formål"),
        choices=Share.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg formålet, som samtykket gælder."),
            "invalid_choice": _("Vælg et af formålene på listen."),
        },
    )
    consent_given_on = forms.DateField(
        label=_("Samtykke givet"),
        widget=DateInput,
        validators=[checks.consent_given],
        error_messages={"required": _("Skriv hvornår samtykket blev givet.")},
    )
    expires_on = forms.DateField(
        label=_("Samtykket gælder til og med"),
        widget=DateInput,
        help_text=_("Delingen ophører automatisk efter denne dato, og straks hvis samtykket tilbagekaldes."),
        validators=[checks.consent_expiry],
        error_messages={"required": _("Skriv den sidste dag, samtykket gælder.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_given_on"].initial = timezone.localdate()
        # The organisation's name first, and short: "Reden (NGO)", not the agency's long name cut off.
        self.fields["team"].label_from_instance = lambda team: f"{team.name} ({team.agency})"

    def domain_problems(self, data):
        return services.share_problems(
            case=self.case,
            team=data.get("team"),
            consent_given_on=data.get("consent_given_on"),
            expires_on=data.get("expires_on"),
        )


class HandoverRequestForm(VersionedForm):
    reason = FreeTextField(
        label=_("Begrundelse"),
        help_text=_("For eksempel at personens opholdsgrundlag er ændret."),
        error_messages={"required": _("Begrund anmodningen."), "max_length": TEXT_TOO_LONG},
    )


class HandoverDecideForm(VersionedForm):
    accept = forms.TypedChoiceField(
        label=_("Afgørelse"),
        choices=[("yes", _("Accepter overdragelsen")), ("no", _("Afvis overdragelsen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decision_reason = FreeTextField(
        label=_("Begrundelse"),
        rows=3,
        required=False,
        help_text=_("Skal udfyldes ved afvisning."),
    )


class ResidenceStatusForm(VersionedForm):
    # Nothing is preselected: the caseworker picks the new status, not the one the case has.
    residence_status = forms.ChoiceField(
        label=_("Nyt opholdsgrundlag"),
        choices=ResidenceStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg det nye opholdsgrundlag."),
            "invalid_choice": _("Vælg et opholdsgrundlag på listen."),
        },
    )
    reason = FreeTextField(
        label=_("Begrundelse"),
        help_text=_("For eksempel hvilken afgørelse der har ændret opholdsgrundlaget, og hvornår."),
        error_messages={"required": _("Begrund ændringen."), "max_length": TEXT_TOO_LONG},
    )

    def domain_problems(self, data):
        return services.residence_status_problems(
            case=self.case, residence_status=data.get("residence_status"), reason=data.get("reason")
        )


class EmergencyAccessForm(DkfdsForm):
    number = OneLineField(label=_("Sagsnummer"), max_length=20, help_text=_("For eksempel CMM-2026-0001"))
    reason = FreeTextField(
        label=_("Begrundelse"),
        help_text=_("Hvorfor du har brug for sagen nu. Adgangen logges og gennemgås af revisor."),
    )
