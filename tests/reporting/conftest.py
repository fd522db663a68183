import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from cases.codes import Gender
from tests.factories import UserFactory, make_case
from tests.states import assessed

# Person-level data that no report, page or download for the working group may hold.
CANARY_GIVEN = "Zebulonia"
CANARY_FAMILY = "Quaxtrup-Vandervelde"
CANARY_BIRTH = dt.date(1999, 7, 23)


def canaries(cases) -> list[str]:
    """The seeded persons' names, birth dates (as written and as pages write them) and the cases' numbers."""
    return [
        CANARY_GIVEN,
        CANARY_FAMILY,
        "1999-07-23",
        "23.07.1999",
        "23. juli 1999",
        "23 July 1999",
        *(case.number for case in cases),
    ]


@pytest.fixture
def img_member(db):
    return UserFactory(username="img.medlem", agency=Agency.IMG, role=Role.IMG_MEMBER, team=None)


@pytest.fixture
def img_colleague(db):
    return UserFactory(username="img.kollega", agency=Agency.IMG, role=Role.IMG_MEMBER, team=None)


@pytest.fixture
def victims(cmm_worker, dis_worker):
    """Seven victims identified today (women from Nigeria), and one referral not yet assessed."""
    cases = []
    for number in range(7):
        person = {"given_name": f"{CANARY_GIVEN}{number}", "family_name": CANARY_FAMILY, "gender": Gender.FEMININE}
        person["date_of_birth"] = CANARY_BIRTH
        cases.append(assessed(make_case(dis_worker, person=person), dis_worker))
    cases.append(make_case(cmm_worker, person={"given_name": CANARY_GIVEN, "family_name": CANARY_FAMILY}))
    return cases


@pytest.fixture
def this_year():
    today = timezone.localdate()
    return {"kind": "period", "start": f"{today.year}-01-01", "end": today.isoformat(), "language": "da"}
