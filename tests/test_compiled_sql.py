"""A query compiled once per user shape gives each user exactly what building it for them gives."""

import datetime as dt

import pytest
from django.utils import timezone

from access import policy
from accounts.models import Agency, Role
from cases.models import Case
from cmm.compiled_sql import ShapeCache
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)


def own_cases_since(user, now):
    """Values of the user, their team and the time in the parameters, one of them a day before today."""
    since = timezone.localdate(now) - dt.timedelta(days=1)
    return (
        policy.visible_cases(user, now=now)
        .filter(contact_person_id=user.pk, team_id=user.team_id, created_at__date__gte=since)
        .values_list("number", flat=True)
    )


def cached_and_built(cache, build, user, now):
    return [row[0] for row in cache.rows(user, now)], list(build(user, now))


def test_users_of_one_shape_share_the_sql_and_get_their_own_rows(cmm_worker, cmm_outsider):
    mine, theirs = make_case(cmm_worker), make_case(cmm_outsider)
    for case in (mine, theirs):
        case.contact_person = case.team.members.get()
        case.save()
    cache = ShapeCache(own_cases_since)

    assert cached_and_built(cache, own_cases_since, cmm_worker, timezone.now()) == ([mine.number], [mine.number])
    assert cached_and_built(cache, own_cases_since, cmm_outsider, timezone.now()) == ([theirs.number], [theirs.number])
    # Another time: the date follows it (nothing created since the day before a week ahead).
    later = timezone.now() + dt.timedelta(days=7)
    assert cached_and_built(cache, own_cases_since, cmm_worker, later) == ([], [])
    assert len(cache.entries) == 1


def test_another_shape_gets_its_own_sql(cmm_worker, dis_worker):
    cache = ShapeCache(own_cases_since)
    cache.rows(cmm_worker, NOW)
    cache.rows(dis_worker, NOW)  # no team: `team_id IS NULL`, another text

    assert len(cache.entries) == 2


def test_a_builder_that_reads_the_clock_itself_is_built_every_time(cmm_worker, caplog):
    case = make_case(cmm_worker)

    def since_the_clock(user, now):
        return Case.objects.filter(team_id=user.team_id, created_at__lte=timezone.now()).values_list("number")

    cache = ShapeCache(since_the_clock)

    assert cache.rows(cmm_worker, NOW) == [(case.number,)]
    assert "compiled on every request" in caplog.text
    assert cache.rows(cmm_worker, NOW) == [(case.number,)]


def test_a_builder_that_reads_the_users_team_puts_each_users_team_in_the_parameters(db):
    reden, korshaer = TeamFactory(agency=Agency.NGO, name="Reden"), TeamFactory(agency=Agency.NGO, name="Korshær")
    first, second = (UserFactory(agency=Agency.NGO, role=Role.NGO_WORKER, team=team) for team in (reden, korshaer))

    def by_team_name(user, now):
        return Case.objects.filter(team__name=user.team.name).values_list("number")

    cache = ShapeCache(by_team_name)
    cache.rows(first, NOW)
    (entry,) = cache.entries.values()

    _sql, params, _using = entry.bind(second, NOW)
    assert params == ["Korshær"]
