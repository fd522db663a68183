"""The start page is a worklist: what needs the user now, most urgent first, each task linked to its action."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases import worklist
from cases.codes import ResidenceStatus
from cases.deadlines import COPENHAGEN
from cases.models import Case
from cases.templatetags.time_left import time_left as words
from grants import services as grants
from tests.factories import TeamFactory, UserFactory, login, make_case
from tests.html import Page
from tests.states import assessed, granted, shared

pytestmark = pytest.mark.django_db


def texts(response, tag=None, **attrs) -> list[str]:
    """The text of each element of the page's main content with this tag and these attributes."""
    return [node.text for node in Page(response).main.find_all(tag, **attrs)]


NOW = dt.datetime(2026, 12, 2, 9, 30, tzinfo=COPENHAGEN)


def left_at(hours: float) -> worklist.TimeLeft:
    return worklist.time_left(due_at=NOW + dt.timedelta(hours=hours), now=NOW)


def left_days(days: int) -> worklist.TimeLeft:
    return worklist.time_left(last_day=NOW.date() + dt.timedelta(days=days), now=NOW)


@pytest.mark.parametrize(
    ("left", "danish", "english", "level"),
    [
        (lambda: left_at(18.9), "om 18 timer", "in 18 hours", worklist.CLOSE),
        (lambda: left_at(1), "om 1 time", "in 1 hour", worklist.CLOSE),
        (lambda: left_at(0.5), "om 30 minutter", "in 30 minutes", worklist.CLOSE),
        (lambda: left_at(24), "om 24 timer", "in 24 hours", None),
        (lambda: left_at(71.5), "om 71 timer", "in 71 hours", None),
        (lambda: left_at(-0.2), "12 minutter over", "12 minutes overdue", worklist.OVERDUE),
        (lambda: left_at(-2.5), "2 timer over", "2 hours overdue", worklist.OVERDUE),
        (lambda: left_at(-47), "47 timer over", "47 hours overdue", worklist.OVERDUE),
        (lambda: left_at(-80), "3 dage over", "3 days overdue", worklist.OVERDUE),
        (lambda: left_days(0), "i dag", "today", worklist.CLOSE),
        (lambda: left_days(1), "i morgen", "tomorrow", worklist.CLOSE),
        (lambda: left_days(3), "om 3 dage", "in 3 days", worklist.CLOSE),
        (lambda: left_days(4), "om 4 dage", "in 4 days", None),
        (lambda: left_days(-1), "1 dag over", "1 day overdue", worklist.OVERDUE),
        (lambda: left_days(-2), "2 dage over", "2 days overdue", worklist.OVERDUE),
    ],
)
def test_time_left_reads_in_words_and_is_urgent_by_the_thresholds(left, danish, english, level):
    left = left()
    with translation.override("da"):
        assert words(left) == danish
    with translation.override("en"):
        assert words(left) == english
    assert worklist.urgency(left) == level


def test_a_day_deadline_counts_days_to_its_last_day_not_hours_to_the_midnight_after_it(cmm_worker, dis_worker):
    starts_on = timezone.localdate() - dt.timedelta(days=28)  # a 30-day period: its last day is tomorrow
    case = granted(
        assessed(
            make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=29)), dis_worker, decided_on=starts_on
        ),
        dis_worker,
        starts_on,
    )
    deadline = case.deadlines.get(kind="period_end")

    assert worklist.deadline_left(deadline) == worklist.TimeLeft(1, "days")


def tasks_of(client, user):
    login(client, user)
    page = client.get("/")
    assert page.status_code == 200
    return page, worklist.tasks_for(user)


def test_a_contact_persons_tasks_are_their_own_cases_most_urgent_first(client, cmm_worker, cmm_colleague, dis_worker):
    now = timezone.now()
    # DIS competent: DIS assesses, so the link goes to the case page.
    late = make_case(
        cmm_worker,
        person={"given_name": "Grace", "family_name": "Okafor"},
        detained=True,
        detained_at=now - dt.timedelta(hours=80),
    )
    # CMM competent (legal residence): the contact person's team assesses it, straight from the task.
    close = make_case(
        cmm_worker,
        person={"given_name": "Mai", "family_name": "Tran"},
        detained=True,
        detained_at=now - dt.timedelta(hours=60),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    theirs = make_case(cmm_colleague, detained=True, detained_at=now - dt.timedelta(hours=79))
    page, tasks = tasks_of(client, cmm_worker)

    assert [task.case.number for task in tasks] == [late.number, close.number]
    assert [task.urgency for task in tasks] == [worklist.OVERDUE, worklist.CLOSE]
    assert tasks[0].url == f"/sager/{late.number}/"
    assert tasks[1].url == f"/sager/{close.number}/vurdering/"
    body = page.content.decode()
    assert theirs.number not in body
    items = texts(page, "li", **{"data-testid": "task"})
    assert "Grace Okafor" in items[0] and "8 timer over" in items[0]
    assert "Mai Tran" in items[1] and "om 11 timer" in items[1]
    assert 'class="badge badge-error"' in body and 'class="badge badge-warning"' in body
    assert "Registrér vurdering" in items[1]


def test_the_start_page_writes_one_audit_row_with_every_case_shown(client, cmm_worker):
    cases = [make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=h)) for h in (5, 9)]
    login(client, cmm_worker)
    before = AuditEvent.objects.count()

    client.get("/")

    row = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (row.what, sorted(row.case_ids)) == ("home", sorted(case.pk for case in cases))


def test_a_consent_ending_within_two_weeks_is_a_task_for_cmm(client, cmm_worker, reden):
    ending, later = make_case(cmm_worker), make_case(cmm_worker)
    shared(ending, reden, 10)
    shared(later, reden, 20)

    _page, tasks = tasks_of(client, cmm_worker)

    assert [(task.kind, task.case.number, task.detail, task.left) for task in tasks] == [
        (worklist.SHARE_ENDING, ending.number, "Reden", worklist.TimeLeft(10, "days"))
    ]


def handed_over(cmm_worker):
    """A CMM case (legal residence) whose contact person asks DIS to take it over."""
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    grants.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Nyt opholdsgrundlag")
    return Case.objects.get(pk=case.pk)


def test_a_hand_over_to_dis_is_a_task_for_dis_linked_to_its_decision(client, cmm_worker, dis_worker):
    case = handed_over(cmm_worker)

    page, tasks = tasks_of(client, dis_worker)

    assert [(task.kind, task.url) for task in tasks] == [
        (worklist.HANDOVER, f"/sager/{case.number}/overdragelse/afgoer/")
    ]
    assert "Overdragelse fra Center mod Menneskehandel venter på jeres afgørelse" in page.content.decode()


def test_a_coordinator_sees_the_teams_overdue_deadlines_and_victims_without_a_contact_person(
    client, coordinator, cmm_worker, dis_worker
):
    now = timezone.now()
    overdue = make_case(cmm_worker, detained=True, detained_at=now - dt.timedelta(hours=75))
    make_case(cmm_worker, detained=True, detained_at=now - dt.timedelta(hours=10))  # not overdue: the team's own
    victim = assessed(make_case(dis_worker), dis_worker)  # DIS referred it: no team, no contact person
    assessed(make_case(dis_worker), dis_worker, decision="not_victim")  # closed: no one to support
    other_team = UserFactory(role=Role.CMM_CONTACT_PERSON, team=TeamFactory(agency=Agency.CMM, name="Team Vest"))
    make_case(other_team, detained=True, detained_at=now - dt.timedelta(hours=75))
    Case.objects.filter(pk=victim.pk).update(competent_authority=Agency.CMM)  # visible to CMM's coordinator

    _page, tasks = tasks_of(client, coordinator)

    assert [(task.kind, task.case.number) for task in tasks] == [
        ("identification_72h", overdue.number),
        (worklist.UNASSIGNED, victim.number),
    ]


def test_an_organisation_sees_only_the_deadlines_its_share_shows(client, cmm_worker, dis_worker, reden, ngo_worker):
    starts_on = timezone.localdate() - dt.timedelta(days=28)
    referred = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=29))
    period = granted(assessed(referred, dis_worker, decided_on=starts_on), dis_worker, starts_on)
    detained = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=80))
    shared(period, reden, 30)
    shared(detained, reden, 30)

    _page, tasks = tasks_of(client, ngo_worker)

    assert [(task.kind, task.case.number, task.url) for task in tasks] == [
        ("period_end", period.number, f"/sager/{period.number}/")
    ]


def test_the_case_page_shows_an_overdue_deadline_as_a_banner_with_its_action(client, cmm_worker):
    case = make_case(
        cmm_worker,
        detained=True,
        detained_at=timezone.now() - dt.timedelta(hours=75),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    login(client, cmm_worker)

    response = client.get(f"/sager/{case.number}/")
    body = response.content.decode()

    banner = texts(response, "div", **{"data-testid": "deadline-banner"})[0]
    assert "Fristen er overskredet: Identifikation af frihedsberøvet person (72 timer), 3 timer over" in banner
    assert f'href="/sager/{case.number}/vurdering/">Registrér vurdering</a>' in body
    assert body.index('data-testid="deadline-banner"') < body.index('class="case-facts"')


def test_the_case_page_has_no_banner_when_nothing_is_close(client, cmm_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=10))
    login(client, cmm_worker)

    assert 'data-testid="deadline-banner"' not in client.get(f"/sager/{case.number}/").content.decode()


def test_refusing_a_hand_over_lands_on_the_start_page_saying_what_happened(client, cmm_worker, dis_worker):
    case = handed_over(cmm_worker)
    login(client, dis_worker)

    response = client.post(
        f"/sager/{case.number}/overdragelse/afgoer/",
        {"version": case.version, "accept": "no", "decision_reason": "Personen har lovligt ophold."},
        follow=True,
    )

    assert response.redirect_chain == [("/", 302)]
    body = response.content.decode()
    assert f"Du har afvist overdragelsen. Sag {case.number} bliver hos Center mod Menneskehandel" in body
    assert client.get(f"/sager/{case.number}/").status_code == 404


def test_accepting_a_hand_over_lands_on_the_case_saying_what_happened(client, cmm_worker, dis_worker):
    case = handed_over(cmm_worker)
    login(client, dis_worker)

    response = client.post(
        f"/sager/{case.number}/overdragelse/afgoer/", {"version": case.version, "accept": "yes"}, follow=True
    )

    assert response.redirect_chain == [(f"/sager/{case.number}/", 302)]
    assert f"Udlændingestyrelsen er nu kompetent myndighed for sag {case.number}." in response.content.decode()


def test_my_cases_are_the_ones_i_am_contact_person_for(client, cmm_worker, cmm_colleague):
    mine, theirs = make_case(cmm_worker), make_case(cmm_colleague)
    login(client, cmm_worker)

    body = client.get("/mine-sager/").content.decode()

    assert mine.number in body and theirs.number not in body
    row = AuditEvent.objects.order_by("-seq").first()
    assert (row.what, row.case_ids) == ("my_cases", [mine.pk])


def test_a_coordinator_sees_the_teams_open_cases_by_contact_person(client, coordinator, cmm_worker, cmm_colleague):
    ada, eva = make_case(cmm_worker), make_case(cmm_colleague)
    nobody = make_case(cmm_worker)
    Case.objects.filter(pk=nobody.pk).update(contact_person=None)
    login(client, coordinator)

    response = client.get("/mine-sager/")
    body = response.content.decode()

    headings = texts(response, "h2")
    assert [h.split(" (")[0] for h in headings] == sorted([str(cmm_worker), str(cmm_colleague)], key=str.casefold) + [
        "Uden kontaktperson"
    ]
    sections = body.split("<h1>")[1].split("<h2")[1:]
    assert ada.number in sections[[str(cmm_worker) in h for h in headings].index(True)]
    assert eva.number in sections[[str(cmm_colleague) in h for h in headings].index(True)]
    assert nobody.number in sections[-1]
