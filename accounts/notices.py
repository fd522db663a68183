"""Emails to a member of staff about their own account's second factor (ASVS 6.3.7: credential changes).

They say what happened and when, and what to do if it was not them; never a secret, a code or a link.
"""

import datetime as dt
import functools

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

ENROLLED = "enrolled"
RESET = "reset"


def second_factor_notice_later(*, user, event: str) -> None:
    """Send the notice once the transaction that made the change commits (nothing is sent for a rollback).

    Robust: if the task cannot be queued (the broker is down), that is logged, and the change still answers
    normally; the user must see the recovery codes that enrolment shows only once.
    """
    from .tasks import second_factor_notice

    args = (user.pk, event, timezone.now().isoformat())
    transaction.on_commit(functools.partial(second_factor_notice.delay, *args), robust=True)


def _texts(event: str, *, when: str) -> tuple[str, str]:
    if event == ENROLLED:
        return _("CMM sagssystem: to-faktor-godkendelse er sat op"), _(
            "Der blev sat en godkendelsesapp op som anden faktor for din bruger i CMM sagssystem den %(when)s, "
            "og der blev lavet nye gendannelseskoder.\n\n"
            "Var det dig, skal du ikke gøre mere.\n\n"
            "Var det ikke dig, så kontakt straks systemadministratoren: en anden kender måske din adgangskode "
            "og kan logge ind som dig."
        ) % {"when": when}
    return _("CMM sagssystem: din to-faktor-godkendelse er nulstillet"), _(
        "Systemadministratoren nulstillede din to-faktor-godkendelse i CMM sagssystem den %(when)s. Din "
        "godkendelsesapp og dine gendannelseskoder virker ikke længere, og du er logget ud overalt. Næste gang "
        "du logger ind, sætter du en godkendelsesapp op igen.\n\n"
        "Havde du ikke bedt om det, så kontakt straks systemadministratoren."
    ) % {"when": when}


def second_factor_notice_send(*, user, event: str, occurred_at: dt.datetime) -> bool:
    """Email the user that their second factor was set up (ENROLLED) or reset (RESET); False without an address.

    In the system's language (the user's own choice is not stored), the time in Danish local time.
    """
    if not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(occurred_at), "DATETIME_FORMAT")
        subject, body = _texts(event, when=when)
        greeting = _("Goddag, %(name)s") % {"name": user.get_full_name() or user.username}
        footer = _("Denne e-mail er sendt automatisk af CMM sagssystem. Svar ikke på den.")
    send_mail(subject, f"{greeting}\n\n{body}\n\n{footer}\n", None, [user.email])
    return True
