"""Exact-match search on encrypted names and numbers, through the blind index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Person
from cases.services import person_search_keys
from privacy import crypto
from tests.factories import login, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cmm_worker, cmm_outsider):
    return {
        "grace": make_case(
            cmm_worker,
            person={
                "given_name": "Grace Ada",
                "family_name": "Okoro",
                "aliases": "Gracie O.; Ada Queen",
                "cpr_number": "010190-1234",
                "document_number": "NG A1234567",
            },
        ),
        "aase": make_case(cmm_worker, person={"given_name": "Åse", "family_name": "Ørsted"}),
        "nguyen": make_case(cmm_worker, person={"given_name": "Anne-Marie Thi", "family_name": "Nguyễn"}),
        "outsider": make_case(
            cmm_outsider, person={"given_name": "Grace Ada", "family_name": "Okoro", "cpr_number": "010190-1234"}
        ),
    }


def search(client, user, query: str) -> list[str]:
    response = login(client, user).post("/api/v1/cases/search/", {"q": query}, content_type="application/json")
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Grace Ada", ["grace"]),
        ("okoro", ["grace"]),
        ("  GRACE   ada\tOKORO ", ["grace"]),
        ("Ｇｒａｃｅ Ａｄａ", ["grace"]),  # full-width letters, as some keyboards type them
        ("Gracie O.", ["grace"]),
        ("ada queen", ["grace"]),
        ("010190-1234", ["grace"]),
        ("0101901234", ["grace"]),
        ("ng a1234567", ["grace"]),
        ("NGA1234567", ["grace"]),
        ("ÅSE", ["aase"]),
        ("åse ørsted", ["aase"]),
        # every whole name part, in any order, accents folded
        ("Grace", ["grace"]),
        ("Okoro Grace Ada", ["grace"]),
        ("okoro grace", ["grace"]),
        ("Queen", ["grace"]),
        ("Ase Orsted", ["aase"]),
        ("Nguyen", ["nguyen"]),
        ("Thi Nguyễn", ["nguyen"]),
        ("Anne-Marie", ["nguyen"]),
        ("Marie", ["nguyen"]),
        # whole parts only: no prefixes, no part that is not the person's, no near misses
        ("Grac", []),
        ("Grace Smith", []),
        ("010190-123", []),
        ("A1234567", []),
    ],
)
def test_search_finds_exact_names_and_numbers_whatever_the_case_and_spacing(
    client, cmm_worker, people, query, expected
):
    assert search(client, cmm_worker, query) == [people[name].number for name in expected]


def test_search_finds_nothing_in_cases_the_user_may_not_see(client, cmm_outsider, people):
    assert search(client, cmm_outsider, "010190-1234") == [people["outsider"].number]
    assert search(client, cmm_outsider, "NG A1234567") == []
    assert search(client, cmm_outsider, "Gracie O.") == []


def test_the_case_list_page_searches_the_blind_index_too(client, cmm_worker, people):
    page = login(client, cmm_worker).post("/sager/", {"q": "grace ada okoro"}).content.decode()

    assert people["grace"].number in page
    assert people["aase"].number not in page and people["outsider"].number not in page


def test_search_compares_keyed_hashes_never_the_encrypted_columns(client, cmm_worker, people):
    with CaptureQueriesContext(connection) as queries:
        search(client, cmm_worker, "010190-1234")

    searched = [query["sql"] for query in queries.captured_queries if "search_keys" in query["sql"]]
    assert len(searched) >= 1
    assert not any("LIKE" in sql.upper() for sql in searched)
    assert not any("010190" in query["sql"] for query in queries.captured_queries)
    assert crypto.blind_index("010190-1234", kind=crypto.IDENTIFIER) in searched[0]


def test_a_person_s_search_keys_are_hashes_under_the_blind_index_key(people):
    person = Person.objects.get(pk=people["grace"].person_id)

    assert person.search_keys == person_search_keys(person)
    # grace, ada, okoro, and from the aliases gracie, o. and queen (ada again); the CPR and document number
    assert len(person.search_keys) == 8
    assert all(len(key) == 64 and int(key, 16) >= 0 for key in person.search_keys)
    assert crypto.blind_index("Okoro") in person.search_keys
    assert crypto.blind_index("Okoro", kind=crypto.IDENTIFIER) not in person.search_keys


def test_a_name_and_a_number_of_the_same_text_have_different_keys():
    assert crypto.blind_index("ada", kind=crypto.NAME) != crypto.blind_index("ada", kind=crypto.IDENTIFIER)


@pytest.fixture
def numbered(cmm_worker):
    """Twelve cases of one year (registered three days ago), numbered from 1."""
    return [make_case(cmm_worker).number for _ in range(12)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("4", ["{year}-0004"]),
        ("0004", ["{year}-0004"]),
        ("12", ["{year}-0012"]),
        ("{year}-4", ["{year}-0004"]),
        ("cmm-{year}-0004", ["{year}-0004"]),
        ("{other}-4", []),
        ("13", []),
    ],
)
def test_short_case_numbers_find_the_case(client, cmm_worker, numbered, query, expected):
    year = int(numbered[0].split("-")[1])
    values = {"year": year, "other": year - 1}

    found = search(client, cmm_worker, query.format(**values))

    assert found == [f"CMM-{number.format(**values)}" for number in expected]


def test_a_year_finds_that_years_cases(client, cmm_worker, numbered):
    assert sorted(search(client, cmm_worker, numbered[0].split("-")[1])) == sorted(numbered)
