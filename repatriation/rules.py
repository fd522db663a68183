"""When each repatriation action is possible: one function for the case page, the action pages and the services.

The policy (access.policy._case_condition_refusal) asks `condition_refusal` with the case as the case page loaded
it (the repatriation selected with it, the organisation's share scope annotated); the services ask it with the
rows they have locked and the share they have looked up. Both say the same words.
"""

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from cmm import validators as checks

from .models import Repatriation

DANISH = "DK"

DUBLIN = gettext_lazy(
    "Sagen er en Dublinsag: personen overføres til den ansvarlige medlemsstat og tilbydes ikke forberedt hjemrejse."
)
DANISH_NATIONAL = gettext_lazy("Personen er dansk statsborger: forberedt hjemrejse tilbydes kun udenlandske ofre.")
NO_OFFER_PENDING = gettext_lazy("Der er intet tilbud om forberedt hjemrejse, som afventer personens svar.")
NOT_ACCEPTED = gettext_lazy("Personen har ikke taget imod forberedt hjemrejse.")
ALREADY_ACCEPTED = gettext_lazy("Personen har allerede taget imod forberedt hjemrejse.")
ALREADY_DUBLIN = gettext_lazy("Sagen er allerede registreret som Dublinsag.")
DUBLIN_AFTER_ACCEPTANCE = gettext_lazy(
    "Personen har taget imod forberedt hjemrejse. Afslår personen senere, kan sagen registreres som Dublinsag."
)
DUBLIN_OFFER_PENDING = gettext_lazy(
    "Et tilbud om forberedt hjemrejse afventer personens svar. Registrér svaret, før sagen registreres som Dublinsag."
)
NO_REPATRIATION_SHARE = gettext_lazy(
    "IOM kan kun arbejde i sagen, mens den er delt med jer til forberedt hjemrejse efter personens samtykke."
)

# Our rule: a case shared with the IOM for another purpose does not let it write about the repatriation.
SHARE_NEEDED = frozenset({"record_reintegration", "record_return", "add_follow_up_report", "read_attachment"})

# A past date (an offer, an answer, a return, a report) and a planned departure, as the forms and the API check them.
past_day = checks.DateRange(checks.EARLIEST_EVENT, future_message=gettext_lazy("Datoen kan ikke ligge i fremtiden."))
planned_day = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=2)


def is_danish_national(person) -> bool:
    """A Danish national, whatever other nationalities they hold. Our rule: an unknown nationality (none recorded)
    is not Danish: the person was referred as a foreign victim, and the offer is made; the destination country
    is then chosen with the plan."""
    return DANISH in (person.nationalities or [])


def repatriation_of(case) -> Repatriation | None:
    """The case's repatriation, selected with the case on its page (None if none was offered)."""
    try:
        return case.repatriation
    except ObjectDoesNotExist:
        return None


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def condition_refusal(action: str, *, user, case, repatriation: Repatriation | None, repatriation_share: bool):
    """Why the action's domain conditions refuse it on this case now; None if they allow it."""
    if action in SHARE_NEEDED and user.role == Role.IOM_OFFICER and not repatriation_share:
        return str(NO_REPATRIATION_SHARE)
    answer = repatriation.answer if repatriation is not None else None
    if action == "record_dublin":
        if case.dublin_regulation:
            return str(ALREADY_DUBLIN)
        if answer == Repatriation.Answer.ACCEPTED:
            return str(DUBLIN_AFTER_ACCEPTANCE)
        if answer == Repatriation.Answer.PENDING:
            return str(DUBLIN_OFFER_PENDING)
    elif action == "offer_repatriation":
        if case.dublin_regulation:
            return str(DUBLIN)
        if is_danish_national(case.person):
            return str(DANISH_NATIONAL)
        if answer == Repatriation.Answer.PENDING:
            return _("Tilbuddet om forberedt hjemrejse fra %(day)s afventer allerede personens svar.") % {
                "day": _day(repatriation.offered_on)
            }
        if answer == Repatriation.Answer.ACCEPTED:
            return str(ALREADY_ACCEPTED)
    elif action == "decide_repatriation":
        if answer != Repatriation.Answer.PENDING:
            return str(NO_OFFER_PENDING)
        if case.dublin_regulation:
            return str(DUBLIN)
    elif action in ("record_reintegration", "record_return") and answer != Repatriation.Answer.ACCEPTED:
        return str(NOT_ACCEPTED)
    return None


def offer_problems(*, case, offered_on: dt.date | None) -> list:
    from cases.errors import DomainError

    if offered_on is None:
        return []
    problems = []
    decided_on = getattr(getattr(case, "assessment", None), "decided_on", None)
    if offered_on > timezone.localdate():
        problems.append(DomainError(_("Tilbuddet kan ikke ligge i fremtiden."), field="offered_on"))
    elif decided_on and offered_on < decided_on:
        problems.append(
            DomainError(
                _("Tilbuddet kan ikke ligge før personen blev vurderet som offer, %(day)s.")
                % {"day": _day(decided_on)},
                field="offered_on",
            )
        )
    return problems
