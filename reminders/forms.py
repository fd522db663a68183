from django import forms
from django.utils.translation import gettext_lazy as _

from cmm.forms import DkfdsForm

from .models import NotificationKind

HELP = {
    NotificationKind.REMINDER: _("Påmindelser før en frist i dine sager."),
    NotificationKind.OVERDUE: _("Når en frist i dine sager er overskredet."),
    NotificationKind.NOT_VICTIM: _("Afgørelser om “ikke offer”, som din myndighed skal underrettes om."),
    NotificationKind.SEND_FAILED: _("Påmindelser, der ikke kunne sendes (til koordinatorer)."),
}


class EmailPreferencesForm(DkfdsForm):
    """One checkbox per kind: also by email? In-app notifications always come."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Operation reminders come in the app only (outreach.services): no email to choose.
        for kind, label in NotificationKind.choices:
            if kind not in HELP:
                continue
            self.fields[kind] = forms.BooleanField(label=label, required=False, help_text=HELP[kind])
