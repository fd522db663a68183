"""The case list says how many cases match, and keeps the filters that identify no one in its address."""

import pytest

from cases.models import Case
from tests.factories import login, make_case
from tests.html import Page

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/sager/"}


def count_text(response) -> str | None:
    found = Page(response).root.find(**{"data-testid": "case-count"})
    return found.text.strip() if found else None


def shown_numbers(response) -> list[str]:
    table = Page(response).main.find("tbody")
    return [row.find("a").text for row in table.find_all("tr")] if table else []


@pytest.fixture
def cases(cmm_worker):
    made = {
        "grace": make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okafor"}),
        "mary": make_case(cmm_worker, person={"given_name": "Mary", "family_name": "Smith"}),
        "ada": make_case(cmm_worker),
    }
    Case.objects.filter(pk=made["mary"].pk).update(status=Case.Status.CLOSED)
    return made


def test_the_list_says_how_many_cases_match(client, cmm_worker, cases):
    login(client, cmm_worker)

    assert count_text(client.get("/sager/")) == "3 sager"
    assert count_text(client.post("/sager/", {"q": "Okafor"})) == "1 sag"
    assert count_text(client.get("/sager/?status=closed")) == "1 sag"
    assert count_text(client.get("/sager/?status=identified")) == "0 sager"


def test_the_count_covers_every_page_not_only_the_one_shown(client, coordinator):
    for _ in range(52):
        make_case(coordinator)
    login(client, coordinator)

    assert count_text(client.get("/sager/")) == "52 sager"
    assert count_text(client.get("/sager/?page=2")) == "52 sager"
    assert count_text(client.get("/sager/?page=3")) == "52 sager"  # past the last page


def test_filters_in_the_address_are_applied_and_shown_chosen(client, cmm_worker, cases):
    login(client, cmm_worker)

    response = client.get("/sager/?status=closed")

    assert shown_numbers(response) == [cases["mary"].number]
    assert Page(response).value("status") == ["closed"]


def test_an_htmx_filter_puts_the_filters_in_the_address_but_never_the_search_text(client, cmm_worker, cases):
    login(client, cmm_worker)

    response = client.post("/sager/", {"q": "Grace Okafor", "status": "referred", "page": "1"}, headers=HTMX)

    assert response["HX-Push-Url"] == "/sager/?status=referred"
    assert shown_numbers(response) == [cases["grace"].number]
    assert "Okafor" not in response["HX-Push-Url"]


def test_a_name_search_alone_leaves_the_address_as_it_is(client, cmm_worker, cases):
    login(client, cmm_worker)

    response = client.post("/sager/", {"q": "Okafor"}, headers=HTMX)

    assert "HX-Push-Url" not in response
    assert count_text(response) == "1 sag"  # the count, swapped in beside the rows


def test_back_to_a_list_address_answers_the_whole_page(client, cmm_worker, cases):
    """htmx keeps no copy of the page (hx-history="false"): Back asks the server for the whole page."""
    login(client, cmm_worker)

    response = client.get("/sager/?status=closed", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert b"<html" in response.content
    assert shown_numbers(response) == [cases["mary"].number]
    assert b'hx-history="false"' in response.content


def test_reset_filters_is_offered_once_a_filter_is_used(client, cmm_worker, cases):
    login(client, cmm_worker)

    def reset_link(response):
        return Page(response).root.find(**{"data-testid": "reset-filters"})

    assert reset_link(client.get("/sager/")) is None
    assert reset_link(client.get("/sager/?status=closed")).attrs["href"] == "/sager/"
    assert reset_link(client.post("/sager/", {"q": "Okafor"})).attrs["href"] == "/sager/"


def test_the_browser_keeps_no_copy_of_a_typed_search(client, cmm_worker):
    login(client, cmm_worker)

    search = Page(client.get("/sager/")).main.find("input", name="q")

    assert (search.attrs["autocomplete"], search.attrs["spellcheck"]) == ("off", "false")


@pytest.mark.parametrize(("language", "names"), [("da", "Nigeria, Rumænien"), ("en", "Nigeria, Romania")])
def test_the_list_names_the_countries_in_the_pages_language(client, cmm_worker, language, names):
    case = make_case(cmm_worker, person={"nationalities": ["NG", "RO"]})
    login(client, cmm_worker)
    client.cookies["django_language"] = language

    row = Page(client.get("/sager/", HTTP_ACCEPT_LANGUAGE=language)).main.find("tbody").find("tr")

    assert case.number in row.text and names in row.text
