"""Victims and other cases written in bulk, as the services leave them (tests/reporting/test_figures.py checks one
case made by the services against the same case written here)."""

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import Agency
from cases.codes import ExploitationForm, Gender, ReferralChannel, ReferralSource, ResidenceStatus
from cases.deadlines import COPENHAGEN
from cases.models import Case, Person, Referral
from identification.models import Assessment

_numbers = itertools.count(1)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN)


def cases(
    actor,
    count: int,
    *,
    decided_on: dt.date | None,
    decision: str = Assessment.Decision.VICTIM,
    gender: str = Gender.FEMININE,
    forms=(ExploitationForm.SEXUAL,),
    nationalities=("NG",),
    age_band: str = "21-23",
    residence: str = ResidenceStatus.NO_LEGAL_RESIDENCE,
    authority: str = Agency.DIS,
    source: str = ReferralSource.NGO,
    channel: str = ReferralChannel.OUTREACH,
    received_days_before: int = 10,
    people: list[Person] | None = None,
) -> list[Case]:
    """`count` cases referred `received_days_before` days before `decided_on` and decided then (None: not yet).

    Each gets a person of its own, or the next of `people` (a person with several cases).
    """
    received_on = (decided_on or timezone.localdate()) - dt.timedelta(days=received_days_before)
    if people is None:
        people = Person.objects.bulk_create(
            Person(given_name="Test", gender=gender, nationalities=list(nationalities)) for _ in range(count)
        )
    made = Case.objects.bulk_create(
        Case(
            number=f"T-{next(_numbers):06d}",
            person=person,
            competent_authority=authority,
            status=Case.Status.REFERRED if decided_on is None else Case.Status.IDENTIFIED,
        )
        for person in people[:count]
    )
    Referral.objects.bulk_create(
        Referral(
            case=case,
            received_at=_at(received_on),
            source=source,
            channel=channel,
            residence_status=residence,
            residence_status_at_referral=residence,
            exploitation_forms=list(forms),
            age_band=age_band,
            registered_by=actor,
        )
        for case in made
    )
    if decided_on is not None:
        Assessment.objects.bulk_create(
            Assessment(
                case=case,
                decision=decision,
                decided_on=decided_on,
                decided_at=_at(decided_on, 14),
                assessing_authority=authority,
                reasons="Begrundelse",
                decided_by=actor,
            )
            for case in made
        )
    return made
