"""A case an organisation had and lost: the page says that its access ended, and nothing it did not know."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from grants import queries, services
from grants.models import Share
from tests.factories import TeamFactory, login, make_case

pytestmark = pytest.mark.django_db


def share(case, team, actor, *, days=30) -> Share:
    case.refresh_from_db()
    today = timezone.localdate()
    return services.share_create(
        case=case,
        actor=actor,
        expected_version=case.version,
        team=team,
        scope=Share.Scope.SUPPORT,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=days),
    )


def lapsed_share(case, team, actor, *, ran_out: dt.date) -> Share:
    """A consent that has run out (recorded directly: the service refuses a consent in the past)."""
    return Share.objects.create(
        case=case,
        team=team,
        scope=Share.Scope.SUPPORT,
        consent_given_on=ran_out - dt.timedelta(days=30),
        expires_on=ran_out,
        recorded_by=actor,
    )


def test_a_withdrawn_share_answers_404_saying_the_access_ended_without_the_person(
    client, cmm_worker, ngo_worker, reden
):
    case = make_case(cmm_worker, person={"given_name": "Ioana", "family_name": "Popescu"})
    services.share_withdraw(share=share(case, reden, cmm_worker), actor=cmm_worker)
    login(client, ngo_worker)

    response = client.get(f"/sager/{case.number}/")

    page = response.content.decode()
    today = timezone.localdate()
    assert response.status_code == 404
    assert "Adgangen til sagen er ophørt" in page
    assert f"Reden har ikke længere adgang til sagen {case.number}." in page
    assert "Ioana" not in page and "Popescu" not in page
    denied = AuditEvent.objects.filter(actor=ngo_worker, action=AuditEvent.Action.DENIED, what="case_lookup").get()
    assert denied.detail == {"number": case.number}
    assert queries.ended_share_last_day(ngo_worker, case.number) == today


def test_a_lapsed_share_ended_on_its_last_day(cmm_worker, ngo_worker, reden):
    case = make_case(cmm_worker)
    ran_out = timezone.localdate() - dt.timedelta(days=5)
    lapsed_share(case, reden, cmm_worker, ran_out=ran_out)
    # An earlier consent that ran out before: the latest end counts.
    lapsed_share(case, reden, cmm_worker, ran_out=ran_out - dt.timedelta(days=60))

    assert queries.ended_share_last_day(ngo_worker, case.number) == ran_out


def test_no_oracle_a_case_the_organisation_never_had_is_the_ordinary_404(client, cmm_worker, ngo_worker, reden):
    elsewhere = TeamFactory(agency=reden.agency, name="Kirkens Korshær")
    theirs = make_case(cmm_worker)
    services.share_withdraw(share=share(theirs, elsewhere, cmm_worker), actor=cmm_worker)
    login(client, ngo_worker)

    for number in (theirs.number, "CMM-2020-9999", "Ioana Popescu"):
        response = client.get(f"/sager/{number}/")
        assert response.status_code == 404
        assert "Siden findes ikke" in response.content.decode()
        assert "ophørt" not in response.content.decode()


def test_a_running_share_is_not_ended_and_case_work_is_never_told(cmm_worker, dis_worker, ngo_worker, reden):
    case = make_case(cmm_worker)
    lapsed_share(case, reden, cmm_worker, ran_out=timezone.localdate() - dt.timedelta(days=5))
    share(case, reden, cmm_worker)

    assert queries.ended_share_last_day(ngo_worker, case.number) is None
    assert queries.ended_share_last_day(dis_worker, case.number) is None


def test_the_organisation_reads_its_own_share_on_the_case_page(client, cmm_worker, ngo_worker, reden):
    case = make_case(cmm_worker)
    share(case, reden, cmm_worker, days=30)
    share(case, TeamFactory(agency=reden.agency, name="Kirkens Korshær"), cmm_worker)
    login(client, ngo_worker)

    page = client.get(f"/sager/{case.number}/").content.decode()

    assert "Delt med Reden til og med" in page
    assert "Kirkens Korshær" not in page and "Sagen er ikke delt" not in page
