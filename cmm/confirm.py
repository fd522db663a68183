"""One way to ask before a consequential action: a page that says what will happen, then "Ja, ..." or back.

The confirmation page carries the user's input in hidden fields: "Ja, ..." posts it with confirmed=yes and the
action is taken; "Tilbage" posts it with confirmed=back and the form comes back filled in, or (with no form)
is a link back. Anything else (a POST without confirmed=yes, a refused or cancelled confirmation) changes
nothing and shows the question again.
"""

from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import render

CONFIRMED = "yes"
BACK = "back"


@dataclass
class Confirmation:
    """What the confirmation page asks: the title, what will happen, and the summary of what was entered."""

    title: str
    consequence: str  # what will happen, said plainly, in the warning box
    confirm_label: str  # "Ja, registrér ..."
    summary: list[tuple[str, Any]] = field(default_factory=list)
    back_url: str = ""  # with no form to return to, "Tilbage" is this link
    back_label: str = ""
    # Further buttons, each (name, value, label): a decision between two outcomes (approve or reject).
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    lead: str = ""


class ConfirmationMixin:
    """For a view: `confirmed()` / `going_back()` read the answer; `render_confirmation()` asks."""

    confirmation_template = "confirm.html"

    def confirmed(self) -> bool:
        return self.request.POST.get("confirmed") == CONFIRMED

    def going_back(self) -> bool:
        return self.request.POST.get("confirmed") == BACK

    def render_confirmation(self, confirmation: Confirmation, *, form=None, status=200, **context):
        buttons = confirmation.buttons or [("confirmed", CONFIRMED, confirmation.confirm_label)]
        return render(
            self.request,
            self.confirmation_template,
            {"confirmation": confirmation, "form": form, "buttons": buttons, **context},
            status=status,
        )
