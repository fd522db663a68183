"""Every referring agency sees the referrals it made in four words, and nothing of the file."""

import pytest

from accounts.models import Agency, Role
from cases.models import CaseEvent
from tests.factories import UserFactory, login, make_case
from tests.html import Page
from tests.states import assessed, granted, not_victim_case

pytestmark = pytest.mark.django_db

REFERRERS = [
    (Role.POLICE_LIAISON, Agency.POLICE),
    (Role.REFERRING_AUTHORITY, Agency.SKAT),
    (Role.REFERRING_AUTHORITY, Agency.WEA),
    (Role.REFERRING_AUTHORITY, Agency.SIRI),
    (Role.NGO_WORKER, Agency.NGO),
]


@pytest.fixture(params=REFERRERS, ids=lambda pair: f"{pair[0]}-{pair[1]}")
def referrer(request, reden):
    role, agency = request.param
    return UserFactory(role=role, agency=agency, team=reden if role == Role.NGO_WORKER else None)


def statuses(client) -> dict[str, str]:
    rows = Page(client.get("/mine-henvisninger/")).main.find("tbody").find_all("tr")
    return {row.find("td").text.strip(): row.find_all("td")[3].text.strip() for row in rows}


def test_each_referrer_sees_received_under_assessment_assessed_and_closed(client, referrer, dis_worker, police):
    received = make_case(referrer)
    worked_on = make_case(referrer)
    CaseEvent.objects.create(case=worked_on, actor=dis_worker, event_type=CaseEvent.Type.RESIDENCE_STATUS_CHANGED)
    in_period = granted(assessed(make_case(referrer), dis_worker), dis_worker)
    closed = not_victim_case(referrer, dis_worker)
    someone_elses = make_case(police)  # another user's referral (another liaison for the police)
    login(client, referrer)

    shown = statuses(client)
    api = {row["number"]: row["status"] for row in client.get("/api/v1/referrals/mine/").json()}

    assert shown == {
        received.number: "Modtaget",
        worked_on.number: "Under vurdering",
        in_period.number: "Vurderet",
        closed.number: "Afsluttet",
    }
    assert api == {
        received.number: "received",
        worked_on.number: "under_assessment",
        in_period.number: "assessed",
        closed.number: "closed",
    }
    assert someone_elses.number not in shown
    # Nothing of the file: not the outcome, the period or the person.
    page = client.get("/mine-henvisninger/").content.decode()
    for secret in ("refleksion", "Ikke vurderet som offer", "Testesen"):
        assert secret not in page


def test_the_list_costs_the_same_queries_for_one_referral_or_many(client, police, django_assert_num_queries):
    make_case(police)
    login(client, police)
    client.get("/mine-henvisninger/")
    with django_assert_num_queries(5) as one:  # session, user, unread count, the referrals, the audit row
        client.get("/mine-henvisninger/")
    for _ in range(4):
        make_case(police)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/mine-henvisninger/")
