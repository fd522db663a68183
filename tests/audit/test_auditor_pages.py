"""The data-protection auditor searches the log and reports who looked at one person's data (GDPR art. 15)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from audit.services import chain_head_export
from cases.models import Case
from tests.factories import UserFactory, login, make_case

from .helpers import dated, last_seq, new_rows

pytestmark = pytest.mark.django_db

OTHER_ROLES = [role for role in Role.values if role != Role.DP_AUDITOR]


@pytest.fixture
def person_with_two_cases(cmm_worker):
    """One person referred twice: the report covers both cases."""
    first = make_case(cmm_worker, person={"given_name": "Zenobia"})
    second = make_case(cmm_worker)
    Case.objects.filter(pk=second.pk).update(person=first.person)
    return first, second


def read(client, user, *urls):
    login(client, user)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.logout()


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("url", ["/revision/", "/revision/person/{number}/"])
def test_only_the_auditor_may_open_the_log_everyone_else_gets_404(client, cmm_worker, role, url):
    case = make_case(cmm_worker)
    user = UserFactory(role=role, agency=Agency.CMM if role.startswith("cmm") else "")
    since = last_seq()

    get = login(client, user).get(url.format(number=case.number))
    post = client.post(url.format(number=case.number), {"user": "cmm.kontakt"})

    assert (get.status_code, post.status_code) == (404, 404)
    # Each refusal is logged as such, and nothing of the log was shown.
    assert [(row.action, row.what) for row in new_rows(since)] == [(AuditEvent.Action.DENIED, "route")] * 2


def test_the_menu_links_to_the_log_for_the_auditor_only(client, auditor, cmm_worker):
    assert 'href="/revision/"' in login(client, auditor).get("/revision/").content.decode()
    assert 'href="/revision/"' not in login(client, cmm_worker).get("/").content.decode()


def test_the_log_page_shows_the_newest_rows_and_its_own_viewing_is_logged(client, auditor, cmm_worker):
    case = make_case(cmm_worker)
    read(client, cmm_worker, f"/sager/{case.number}/")
    since = last_seq()

    page = login(client, auditor).get("/revision/").content.decode()

    assert case.number in page and "cmm.kontakt" in page and "Sagen" in page
    [row] = new_rows(since)
    assert (row.actor, row.action, row.purpose, row.what) == (
        auditor,
        AuditEvent.Action.LIST,
        AuditEvent.Purpose.AUDIT,
        "audit_log_search",
    )


def test_search_by_staff_member(client, auditor, cmm_worker, coordinator):
    case = make_case(cmm_worker)
    read(client, coordinator, f"/sager/{case.number}/", "/sager/")
    since = last_seq()

    page = login(client, auditor).post("/revision/", {"user": "CMM.KOORDINATOR"}).content.decode()

    assert page.count("cmm.koordinator") == 2
    assert "cmm.kontakt" not in page
    [row] = new_rows(since)
    assert (row.action, row.purpose, row.detail) == (
        AuditEvent.Action.SEARCH,
        AuditEvent.Purpose.AUDIT,
        {"filters": ["user"], "page": 1},
    )


def test_search_by_case_finds_pages_lists_and_writes_that_touched_it(client, auditor, cmm_worker, coordinator):
    case, other = make_case(cmm_worker), make_case(cmm_worker)
    read(client, coordinator, f"/sager/{case.number}/", f"/sager/{other.number}/", "/sager/")
    since = last_seq()

    page = login(client, auditor).post("/revision/", {"case_number": case.number}).content.decode()

    # The referral (a write), the case page and the list page that showed it; not the other case's page.
    assert page.count("<tr>") - 1 == 3
    assert "Henvisning registreret" in page and "Sagslisten" in page
    [row] = new_rows(since)
    assert row.case_ids == [case.pk]


def test_search_by_person_covers_all_their_cases(client, auditor, cmm_worker, coordinator, person_with_two_cases):
    first, second = person_with_two_cases
    unrelated = make_case(cmm_worker)
    read(client, coordinator, f"/sager/{first.number}/", f"/sager/{second.number}/", f"/sager/{unrelated.number}/")
    since = last_seq()

    page = login(client, auditor).post("/revision/", {"person": second.number, "user": "cmm.koordinator"})

    body = page.content.decode()
    assert body.count("<tr>") - 1 == 2
    assert unrelated.number not in body
    [row] = new_rows(since)
    assert sorted(row.case_ids) == sorted([first.pk, second.pk])
    assert row.detail["filters"] == ["user", "person"]


def test_search_by_period_in_local_days(client, auditor, cmm_worker):
    case = make_case(cmm_worker)
    login(client, cmm_worker)
    since = last_seq()
    client.get(f"/sager/{case.number}/")
    client.get("/sager/")
    # The database dates each row itself; only a superuser can set another time, as here.
    page_read, list_read = new_rows(since)
    dated(page_read, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))  # 2 March in Copenhagen
    dated(list_read, dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC))

    page = login(client, auditor).post("/revision/", {"date_from": "2026-03-02", "date_to": "2026-03-02"})

    body = page.content.decode()
    assert body.count("<tr>") - 1 == 1
    assert "2. marts 2026 00:30:00" in body


def test_a_period_that_ends_before_it_begins_is_refused_beside_the_field(client, auditor):
    page = login(client, auditor).post("/revision/", {"date_from": "2026-03-02", "date_to": "2026-03-01"})

    assert "Perioden kan ikke slutte, før den begynder." in page.content.decode()


def test_search_results_are_paged_with_the_filters_kept_in_the_form(client, auditor, cmm_worker):
    case = make_case(cmm_worker)
    login(client, cmm_worker)
    for _ in range(55):
        client.get(f"/sager/{case.number}/")
    login(client, auditor)

    first = client.post("/revision/", {"case_number": case.number}).content.decode()
    second = client.post("/revision/", {"case_number": case.number, "page": "2"}).content.decode()

    assert first.count("<tr>") - 1 == 50
    assert second.count("<tr>") - 1 == 7  # 55 reads, the referral, and the auditor's first search for the case
    assert f'<input type="hidden" name="case_number" value="{case.number}">' in first
    assert 'name="page" value="2"' in first


class TestAccessReport:
    """Art. 15: who looked at the person's data, in all their cases, when, what and why."""

    def test_lists_every_look_at_any_of_the_persons_cases(
        self, client, auditor, cmm_worker, coordinator, person_with_two_cases
    ):
        first, second = person_with_two_cases
        unrelated = make_case(coordinator)
        read(client, coordinator, f"/sager/{first.number}/", f"/api/v1/cases/{second.number}/")
        read(client, cmm_worker, f"/sager/{unrelated.number}/")

        page = login(client, auditor).get(f"/revision/person/{first.number}/").content.decode()

        assert f"{first.number}, {second.number}" in page  # the person's cases
        assert page.count("<tr>") - 1 == 4  # two referrals, two reads
        assert "Sagen" in page and "API: sagen" in page and "Sagsbehandling" in page
        assert unrelated.number not in page
        assert timezone.localtime().strftime("%Y") in page
        assert "Zenobia" not in page  # the report names cases, never the person

    def test_shows_agency_and_role_and_staff_names_only_on_request_which_is_logged(
        self, client, auditor, coordinator, person_with_two_cases
    ):
        first, _ = person_with_two_cases
        read(client, coordinator, f"/sager/{first.number}/")
        login(client, auditor)
        since = last_seq()

        hidden = client.get(f"/revision/person/{first.number}/").content.decode()
        shown = client.get(f"/revision/person/{first.number}/", {"staff": "1"}).content.decode()

        assert "CMM-koordinator" in hidden and "Center mod Menneskehandel" in hidden
        assert "cmm.koordinator" not in hidden
        assert "cmm.koordinator" in shown
        assert [row.detail["staff_names"] for row in new_rows(since)] == [False, True]

    def test_producing_it_is_itself_audited_and_shows_in_the_next_report(self, client, auditor, person_with_two_cases):
        first, second = person_with_two_cases
        login(client, auditor)
        since = last_seq()

        client.get(f"/revision/person/{second.number}/")
        again = client.get(f"/revision/person/{second.number}/").content.decode()

        [row, _] = new_rows(since)
        assert (row.actor, row.action, row.purpose, row.what) == (
            auditor,
            AuditEvent.Action.READ,
            AuditEvent.Purpose.AUDIT,
            "access_report",
        )
        assert sorted(row.case_ids) == sorted([first.pk, second.pk])
        assert "Indsigtsrapport (art. 15)" in again and "Revision" in again

    def test_a_list_page_row_names_only_the_persons_case(self, client, auditor, cmm_worker, person_with_two_cases):
        first, _ = person_with_two_cases
        others = [make_case(cmm_worker) for _ in range(3)]
        read(client, cmm_worker, "/sager/")

        page = login(client, auditor).get(f"/revision/person/{first.number}/").content.decode()

        assert "Sagslisten" in page
        assert not any(case.number in page for case in others)

    def test_an_unknown_case_number_is_404(self, client, auditor):
        assert login(client, auditor).get("/revision/person/CMM-1999-0001/").status_code == 404


def test_search_by_name_finds_the_person_through_the_blind_index_and_never_logs_the_name(
    client, auditor, cmm_worker, person_with_two_cases
):
    first, second = person_with_two_cases  # Zenobia Testesen
    other = make_case(cmm_worker, person={"given_name": "Ada"})
    since = last_seq()

    page = login(client, auditor).post("/revision/", {"person": "zenobia  TESTESEN"}).content.decode()

    assert first.number in page and second.number in page
    assert other.number not in page
    [row] = new_rows(since)
    assert sorted(row.case_ids) == sorted([first.pk, second.pk])
    assert row.detail["filters"] == ["person"]
    assert "enobia" not in str(row.detail)


def test_the_log_page_shows_the_last_exported_heads(client, auditor):
    heads = [chain_head_export() for _ in range(2)]

    page = login(client, auditor).get("/revision/").content.decode()

    assert "Eksporterede kædehoveder" in page
    assert [head.seq for head in heads] == [0, 1]  # the first export's own audit row is the second's head
    for head in heads:
        assert f"<td>{head.seq}</td><td><code>{head.hash}</code></td>" in page
    assert "Kædehoved eksporteret" in page  # the export's own rows, by their label


def test_the_new_security_and_export_rows_are_named_in_english_too(client, auditor):
    chain_head_export()
    login(client, auditor).post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get("/revision/").content.decode()

    assert "Exported chain heads" in page and "Chain head exported" in page
