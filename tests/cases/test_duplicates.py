"""The duplicate warning: the match rules, who is told, and that a referral is no oracle for other agencies' cases."""

import datetime as dt
import re
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.duplicates import duplicate_matches, duplicate_matches_queue
from cases.models import DuplicateMatch, Person
from tests.factories import UserFactory, login, make_case

pytestmark = pytest.mark.django_db


def person(**fields) -> Person:
    return Person(**{"given_name": "Ada", "family_name": "Testesen", **fields})


def matched(candidate: Person) -> dict[str, tuple[str, ...]]:
    return {match.number: match.reasons for match in duplicate_matches(candidate)}


def test_the_same_document_or_cpr_number_matches_however_it_is_typed(cmm_worker):
    by_document = make_case(cmm_worker, person={"document_number": "AB 123/456"})
    by_cpr = make_case(cmm_worker, person={"given_name": "Bo", "cpr_number": "010190-1234"})

    assert matched(person(given_name="Other", document_number="ab123456")) == {by_document.number: ("identifier",)}
    assert matched(person(given_name="Other", cpr_number="0101901234")) == {by_cpr.number: ("identifier",)}


def test_a_similar_name_matches_only_with_the_same_date_of_birth(cmm_worker):
    born = dt.date(1990, 5, 17)
    case = make_case(cmm_worker, person={"given_name": "Thi Lan", "family_name": "Nguyễn", "date_of_birth": born})

    # Diacritics folded, parts in any order: "Nguyen Thi" is "Thi Lan Nguyễn".
    assert matched(person(given_name="Nguyen", family_name="Thi", date_of_birth=born)) == {
        case.number: ("name_birth_date",)
    }
    assert matched(person(given_name="Nguyen", family_name="Thi", date_of_birth=dt.date(1990, 5, 18))) == {}
    assert matched(person(given_name="Nguyen", family_name="Thi")) == {}
    # One shared part of two is not a similar name; a one-part name shares all it has.
    assert matched(person(given_name="Nguyen", family_name="Okafor", date_of_birth=born)) == {}
    assert matched(person(given_name="Nguyễn", family_name="", date_of_birth=born)) == {
        case.number: ("name_birth_date",)
    }


def test_an_alias_matches_a_name_and_both_rules_are_named(cmm_worker):
    born = dt.date(2001, 2, 3)
    case = make_case(
        cmm_worker,
        person={
            "given_name": "Joy",
            "family_name": "Okoro",
            "aliases": "Blessing Edo",
            "date_of_birth": born,
            "document_number": "X1",
        },
    )

    assert matched(person(given_name="Blessing", family_name="Edo", date_of_birth=born, document_number="x-1")) == {
        case.number: ("identifier", "name_birth_date")
    }


def test_an_anonymised_person_matches_no_one(cmm_worker):
    case = make_case(cmm_worker, person={"document_number": "Z9"})
    Person.objects.filter(pk=case.person_id).update(search_keys=[], anonymised_at=timezone.now())

    assert matched(person(document_number="Z9")) == {}


# The referral form, as a browser posts it.
def referral_post(**changes) -> dict:
    return {
        "given_name": "Grace",
        "family_name": "Okoro",
        "date_of_birth": "1999-04-02",
        "gender": "Feminine",
        "document_number": "NG-778899",
        "received_at": (timezone.localtime() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        "source": "POLICE",
        "channel": "police_operation",
        "residence_status": "no_legal_residence",
        "exploitation_forms": ["SexualExploitation"],
        "recruiter_relation": "IntimatePartner",
        "form_token": str(uuid.UUID(int=7)),
        **changes,
    }


def test_the_check_page_names_a_match_the_user_may_see(client, cmm_worker):
    existing = make_case(cmm_worker, person={"given_name": "Other", "document_number": "NG778899"})
    login(client, cmm_worker)

    page = client.post("/sager/ny/", referral_post(step="check")).content.decode()

    assert 'data-testid="duplicate-warning"' in page and existing.number in page
    assert AuditEvent.objects.filter(what="duplicate_warning", case_ids__contains=[existing.pk]).exists()


# What differs between two otherwise equal responses: the CSRF token, the CSP nonce, the new case's number.
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
    re.compile(r"CMM-\d{4}-\d{4,6}"),
]


def normalised(response) -> tuple[int, str, str]:
    body = response.content.decode()
    location = response.headers.get("Location", "")
    for pattern in VOLATILE:
        body, location = pattern.sub("…", body), pattern.sub("…", location)
    return response.status_code, location, body


def the_referral_as_seen_by(client, user) -> list[tuple[int, str, str]]:
    """Every response the registrant gets: the check page, the save, the page it lands on."""
    check = client.post("/sager/ny/", referral_post(step="check"))
    save = client.post("/sager/ny/", referral_post(step="save"))
    landing = client.get(save.headers["Location"])
    return [normalised(check), normalised(save), normalised(landing)]


@pytest.mark.parametrize("registrant", ["police", "cmm_outsider", "ngo_worker"])
def test_a_match_the_user_may_not_see_changes_nothing_they_get_and_reaches_the_coordinators(
    client, request, registrant, cmm_worker, coordinator
):
    user = request.getfixturevalue(registrant)
    login(client, user)
    # A new person: the world without the match, rolled back after.
    with transaction.atomic():
        as_new = the_referral_as_seen_by(client, user)
        transaction.set_rollback(True)
    # The same referral, with another team's case of the same document number (and a similar name and birth date).
    existing = make_case(
        cmm_worker,
        person={
            "given_name": "Grace",
            "family_name": "Okoro",
            "date_of_birth": dt.date(1999, 4, 2),
            "document_number": "NG778899",
        },
        residence_status="legal_residence",
    )
    as_duplicate = the_referral_as_seen_by(client, user)

    assert as_duplicate == as_new
    assert existing.number not in "".join(body for _status, _location, body in as_duplicate)
    match = DuplicateMatch.objects.get()
    assert match.existing_case == existing and match.status == DuplicateMatch.Status.OPEN
    assert sorted(match.reasons) == ["identifier", "name_birth_date"]
    queue = login(client, coordinator).get("/mulige-dubletter/").content.decode()
    assert existing.number in queue and match.new_case.number in queue


def test_a_match_the_user_may_see_is_not_queued(cmm_worker):
    make_case(cmm_worker, person={"document_number": "Q1"})
    make_case(cmm_worker, person={"given_name": "Other", "document_number": "Q1"})

    assert not DuplicateMatch.objects.exists()


def test_the_queue_is_the_existing_cases_authoritys_and_its_decision_is_recorded(client, cmm_worker, police):
    cmm_case = make_case(cmm_worker, person={"document_number": "C1"}, residence_status="legal_residence")
    make_case(police, person={"document_number": "C1"})
    match = DuplicateMatch.objects.get(existing_case=cmm_case)
    dis_coordinator = UserFactory(agency=Agency.DIS, role=Role.DIS_COORDINATOR)
    cmm_coordinator = UserFactory(agency=Agency.CMM, role=Role.CMM_COORDINATOR)

    assert cmm_case.number not in login(client, dis_coordinator).get("/mulige-dubletter/").content.decode()
    refused = client.post("/mulige-dubletter/", {"match": match.pk, "decision": "same_person"})
    assert refused.status_code == 400
    login(client, cmm_coordinator)
    client.post("/mulige-dubletter/", {"match": match.pk, "decision": "different_people"})

    match.refresh_from_db()
    assert (match.status, match.decided_by) == (DuplicateMatch.Status.DIFFERENT_PEOPLE, cmm_coordinator)
    assert 'data-testid="duplicate-match"' not in client.get("/mulige-dubletter/").content.decode()


@pytest.mark.parametrize("role", [Role.NGO_WORKER, Role.POLICE_LIAISON, Role.CMM_CONTACT_PERSON, Role.DIS_CASEWORKER])
def test_only_coordinators_have_the_queue(client, role):
    assert login(client, UserFactory(role=role)).get("/mulige-dubletter/").status_code == 403


def test_queueing_twice_keeps_one_row_per_pair(cmm_worker, police):
    make_case(cmm_worker, person={"document_number": "D1"}, residence_status="legal_residence")
    new = make_case(police, person={"document_number": "D1"})

    assert duplicate_matches_queue(case=new, actor=police) == 1
    assert DuplicateMatch.objects.filter(new_case=new).count() == 1


def test_a_match_with_a_dis_case_goes_to_the_dis_coordinators(client, police, ngo_worker):
    dis_case = make_case(police, person={"cpr_number": "0202902222"})  # no legal residence: DIS's
    new = make_case(ngo_worker, person={"given_name": "Another", "cpr_number": "020290-2222"})
    dis_coordinator = UserFactory(agency=Agency.DIS, role=Role.DIS_COORDINATOR)
    cmm_coordinator = UserFactory(agency=Agency.CMM, role=Role.CMM_COORDINATOR)

    dis_queue = login(client, dis_coordinator).get("/mulige-dubletter/").content.decode()
    cmm_queue = login(client, cmm_coordinator).get("/mulige-dubletter/").content.decode()

    assert dis_case.number in dis_queue and new.number in dis_queue
    assert 'data-testid="duplicate-match"' not in cmm_queue
