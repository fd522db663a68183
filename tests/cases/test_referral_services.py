import datetime as dt

import pytest

from accounts.models import Agency, Role
from cases import services
from cases.codes import ResidenceStatus
from cases.deadlines import COPENHAGEN, DeadlineKind
from cases.errors import DomainError, NotAllowed
from cases.models import Case, CaseEvent, Deadline, Person, Referral
from tests.factories import UserFactory, make_case, person_data, referral_data

pytestmark = pytest.mark.django_db


def copenhagen(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=COPENHAGEN)


def test_detention_opens_a_72_hour_deadline_in_real_hours_across_the_spring_dst_change(cmm_worker, time_machine):
    time_machine.move_to(copenhagen(2026, 3, 28, 14, 0))
    detained_at = copenhagen(2026, 3, 28, 12, 0)  # CET, the clocks go forward on the night to 29 March

    case = make_case(cmm_worker, received_at=detained_at, detained=True, detained_at=detained_at)

    deadline = Deadline.objects.get(case=case)
    assert (deadline.kind, deadline.status) == (DeadlineKind.IDENTIFICATION, Deadline.Status.OPEN)
    assert deadline.due_at.astimezone(COPENHAGEN) == copenhagen(2026, 3, 31, 13, 0)
    assert deadline.due_at - detained_at == dt.timedelta(hours=72)
    assert deadline.due_at == dt.datetime(2026, 3, 31, 11, 0, tzinfo=dt.UTC)
    assert "72 timer" in deadline.get_legal_source_display()


def test_referral_without_detention_opens_no_deadline(cmm_worker):
    case = make_case(cmm_worker, detained=False)

    assert not Deadline.objects.filter(case=case).exists()
    assert CaseEvent.objects.get(case=case).data["detained"] is False


def test_a_detention_time_is_ignored_unless_the_person_is_marked_detained(cmm_worker):
    case = make_case(cmm_worker, detained=False, detained_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))

    assert Referral.objects.get(case=case).detained_at is None
    assert not Deadline.objects.filter(case=case).exists()


def test_detained_without_a_time_is_refused_on_the_detention_field(cmm_worker):
    with pytest.raises(DomainError) as refused:
        make_case(cmm_worker, detained=True, detained_at=None)

    assert refused.value.field == "detained_at"
    assert not Case.objects.exists()


def test_case_numbers_run_in_sequence_within_the_year_the_referral_was_received(cmm_worker, time_machine):
    time_machine.move_to(copenhagen(2026, 1, 5, 9, 0))

    numbers = [
        make_case(cmm_worker, received_at=copenhagen(2025, 12, 31, 23, 30)).number,
        # 2026-01-01 00:30 in Copenhagen is still 2025 in UTC: the Copenhagen date decides.
        make_case(cmm_worker, received_at=copenhagen(2026, 1, 1, 0, 30)).number,
        make_case(cmm_worker, received_at=copenhagen(2026, 1, 2, 10, 0)).number,
        make_case(cmm_worker, received_at=copenhagen(2025, 11, 3, 10, 0)).number,
    ]

    assert numbers == ["CMM-2025-0001", "CMM-2026-0001", "CMM-2026-0002", "CMM-2025-0002"]


def test_roles_without_casework_or_referrals_may_not_register_and_nothing_is_created(db):
    with pytest.raises(NotAllowed):
        make_case(UserFactory(agency=Agency.IMG, role=Role.IMG_MEMBER, team=None))

    assert not Case.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("residence", "authority"),
    [
        (ResidenceStatus.ASYLUM_SEEKER, Agency.DIS),
        (ResidenceStatus.NO_LEGAL_RESIDENCE, Agency.DIS),
        (ResidenceStatus.LEGAL_RESIDENCE_EXPULSION, Agency.DIS),
        (ResidenceStatus.LEGAL_RESIDENCE, Agency.CMM),
    ],
)
def test_competent_authority_follows_the_residence_status_at_referral(cmm_worker, residence, authority):
    case = make_case(cmm_worker, residence_status=residence)

    assert case.competent_authority == authority
    assert CaseEvent.objects.get(case=case).data["competent_authority"] == authority


def test_a_cmm_contact_person_registering_becomes_contact_person_for_their_team(cmm_worker, dis_worker):
    by_cmm = make_case(cmm_worker)
    by_dis = make_case(dis_worker)

    assert (by_cmm.contact_person, by_cmm.team) == (cmm_worker, cmm_worker.team)
    assert (by_dis.contact_person, by_dis.team) == (None, None)


def test_referral_received_in_the_future_is_refused(cmm_worker):
    with pytest.raises(DomainError) as refused:
        services.referral_register(
            actor=cmm_worker,
            person=person_data(),
            referral=referral_data(received_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)),
        )

    assert refused.value.field == "received_at"
    assert not Case.objects.exists()
