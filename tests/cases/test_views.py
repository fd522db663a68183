"""The browser pages through the test client: referral form, case list search, and the case action forms' contract."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Agency, Role
from cases import services
from cases.deadlines import DeadlineKind
from cases.models import Case, Deadline, Person
from tests.factories import UserFactory, login, make_case
from tests.html import Page
from tests.states import (
    OUTCOMES,
    TRANSITIONS,
    bump_version,
    case_ready_for,
    not_victim_case,
    snapshot,
    valid_input,
)

pytestmark = pytest.mark.django_db

ACTION_PATHS = {
    "assessment": "vurdering/",
    "period": "periode/",
    "extension": "forlaengelse/",
    "notification": "underretning/",
}
# Each action's page on a case in a state where it does not apply.
WRONG_STATE = {"assessment": "period", "period": "assessment", "extension": "period", "notification": "period"}


def action_url(transition: str, number: str) -> str:
    return f"/sager/{number}/{ACTION_PATHS[transition]}"


def local_input(moment: dt.datetime) -> str:
    """A time as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def ngo_worker(db):
    return UserFactory(username="ngo", agency=Agency.NGO, role=Role.NGO_WORKER, team=None)


# --- registering a referral -------------------------------------------------------------------------------------


def referral_post(**changes) -> dict:
    data = {
        "given_name": "Grace",
        "family_name": "Okoro",
        "aliases": "Gigi",
        "date_of_birth": "1999-04-02",
        "gender": "Feminine",
        "nationalities": ["NG", "GH"],
        "primary_language": "Edo",
        "received_at": local_input(timezone.now() - dt.timedelta(hours=5)),
        "source": "POLICE",
        "channel": "police_operation",
        "referring_organisation": "Københavns Politi",
        "residence_status": "no_legal_residence",
        "exploitation_forms": ["SexualExploitation", "ForcedCriminality"],
        "means_of_control": ["DebtBondage", "WithholdsDocuments"],
        "recruiter_relation": "IntimatePartner",
        "detained": "on",
        "detained_at": local_input(timezone.now() - dt.timedelta(hours=4)),
        "circumstances": "Mødt ved politiaktion på Vesterbro.",
        "form_token": str(uuid.uuid4()),  # as the rendered form carries it: one case per form
        "step": "save",  # "Opret sag" on the check page
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_referral_form_shows_an_empty_form_with_no_answer_chosen_for_the_user(client, cmm_worker):
    login(client, cmm_worker)

    response = client.get("/sager/ny/")

    assert response.status_code == 200
    page = Page(response)
    assert page.value("given_name") is None
    for name in ("source", "channel", "gender", "recruiter_relation", "primary_language"):
        assert page.value(name) == [""], name  # "Vælg"
    assert page.value("residence_status") == []
    assert page.value("nationalities") == []
    legends = [
        node.text.strip() for node in page.main.iter() if node.tag == "legend" and "h2" in node.attrs.get("class", "")
    ]
    assert legends == ["Personen", "Identitetsoplysninger og kontakt", "Henvisningen", "Udnyttelse", "Frihedsberøvelse"]
    # The detention time is required once the box is ticked: not marked optional.
    assert "valgfri" not in page.main.find("div", id="group-detained_at").text
    assert "valgfri" in page.main.find("div", id="group-family_name").text


def test_an_empty_referral_says_what_to_do_for_each_field_in_one_pass(client, cmm_worker):
    login(client, cmm_worker)

    response = client.post("/sager/ny/", {"form_token": str(uuid.uuid4())})

    assert response.status_code == 400
    page = Page(response)
    expected = {
        "given_name": "Skriv personens fornavn.",
        "gender": "Vælg personens køn, eller vælg Ikke oplyst.",
        "received_at": "Angiv hvornår henvisningen blev modtaget.",
        "source": "Vælg hvem der henviser.",
        "channel": "Vælg hvordan henvisningen kom ind.",
        "residence_status": "Vælg personens opholdsgrundlag.",
        "exploitation_forms": "Vælg mindst én formodet udnyttelsesform.",
        "recruiter_relation": "Vælg personens relation til rekrutteringspersonen, eller vælg Ukendt.",
    }
    for field, message in expected.items():
        assert page.field_errors(field) == [message], field
        assert message in page.error_summary(), field
    assert "påkrævet" not in page.text


def test_a_valid_referral_is_shown_to_check_and_saved_once_from_there(client, cmm_worker):
    login(client, cmm_worker)
    posted = referral_post(step=None, referrer_reference="0100-12345-00012-26", primary_language="rumænsk")

    response = client.post("/sager/ny/", posted)

    assert response.status_code == 200
    assert not Case.objects.exists()
    page = Page(response)
    assert page.main.find("h1").text == "Tjek dine svar"
    for shown in ("Grace", "Okoro", "Nigeria", "Ghana", "Rumænsk", "Politiet", "Politiaktion", "0100-12345-00012-26"):
        assert shown in page.text, shown
    # The answers travel in the check page's own form, hidden: posted back with "Opret sag" they make the case.
    hidden = {}
    for node in page.form().iter():
        if node.tag == "input" and node.attrs.get("type") == "hidden" and node.attrs["name"] != "csrfmiddlewaretoken":
            hidden.setdefault(node.attrs["name"], []).append(node.attrs.get("value", ""))
    assert hidden["form_token"] == [posted["form_token"]]
    assert sorted(hidden["nationalities"]) == ["GH", "NG"]
    again = {**hidden, "step": "save"}

    first = client.post("/sager/ny/", again)
    second = client.post("/sager/ny/", again, follow=True)  # "Opret sag" pressed twice, or Back and again

    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/sager/{case.number}/"
    assert "registreret én gang" in Page(second).text
    assert case.referral.referrer_reference == "0100-12345-00012-26"
    assert case.person.primary_language == "rumænsk"
    assert set(case.person.nationalities) == {"NG", "GH"}
    assert case.referral.detained


def test_ret_on_the_check_page_brings_the_form_back_filled_in(client, cmm_worker):
    login(client, cmm_worker)
    posted = referral_post(step=None, edit="channel")

    response = client.post("/sager/ny/", posted)

    assert response.status_code == 200
    page = Page(response)
    assert page.error_summary() == ""
    del posted["edit"]
    page.assert_keeps(posted)
    assert "autofocus" in page.main.find("select", id="id_channel").attrs
    assert not Case.objects.exists()


def test_registering_a_referral_opens_the_case_page(client, cmm_worker):
    login(client, cmm_worker)

    response = client.post("/sager/ny/", referral_post())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.number}/"
    assert case.person.full_name == "Grace Okoro"
    assert set(case.person.nationalities) == {"NG", "GH"}
    assert case.referral.means_of_control == ["DebtBondage", "WithholdsDocuments"]
    assert Deadline.objects.get(case=case).kind == DeadlineKind.IDENTIFICATION
    assert case.number in Page(client.get(response["Location"])).text


def test_bad_referral_is_shown_again_with_each_error_beside_its_field_and_all_input_kept(client, cmm_worker):
    login(client, cmm_worker)
    posted = referral_post(
        step=None,
        given_name="",
        date_of_birth="2999-01-01",
        received_at="2999-01-01T10:00",
        exploitation_forms=None,
        detained_at="",
    )

    response = client.post("/sager/ny/", posted)

    assert response.status_code == 400
    page = Page(response)
    expected = {
        "given_name": "Skriv personens fornavn.",
        "date_of_birth": "Fødselsdatoen kan ikke ligge i fremtiden.",
        "received_at": "Henvisningen kan ikke være modtaget i fremtiden.",
        "exploitation_forms": "Vælg mindst én formodet udnyttelsesform.",
        "detained_at": "Angiv hvornår personen blev frihedsberøvet.",
    }
    for field, message in expected.items():
        assert any(message in error for error in page.field_errors(field)), field
        assert message in page.error_summary(), field
    assert page.field_errors("family_name") == []
    page.assert_keeps(posted)
    assert page.value("exploitation_forms") == []
    assert not Case.objects.exists()


def test_a_detention_time_with_the_box_clear_is_not_taken(client, cmm_worker):
    """The time is revealed by the box: cleared again, the time the user typed is hidden, and ignored."""
    login(client, cmm_worker)

    client.post("/sager/ny/", referral_post(detained=None))

    case = Case.objects.get()
    assert (case.referral.detained, case.referral.detained_at) == (False, None)
    assert not Deadline.objects.filter(case=case).exists()


def test_a_detention_in_the_future_is_refused_beside_its_field_with_the_input_kept(client, cmm_worker):
    login(client, cmm_worker)
    posted = referral_post(step=None, detained_at=local_input(timezone.now() + dt.timedelta(days=1)))

    response = client.post("/sager/ny/", posted)

    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors("detained_at") == ["Frihedsberøvelsen kan ikke ligge i fremtiden."]
    assert "Frihedsberøvelsen kan ikke ligge i fremtiden." in page.error_summary()
    page.assert_keeps(posted)
    assert not Case.objects.exists()


def test_dis_registering_a_legal_resident_is_told_the_case_went_to_cmm(client, dis_worker):
    """DIS may not see a CMM case, so its page would be a 404; the registrant lands on the front page instead."""
    login(client, dis_worker)

    response = client.post("/sager/ny/", referral_post(residence_status="legal_residence"), follow=True)

    case = Case.objects.get()
    assert case.competent_authority == Agency.CMM
    assert response.status_code == 200
    assert response.redirect_chain == [("/", 302)]
    assert f"{case.number} og sendt til Center mod Menneskehandel" in Page(response).text


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_working_group_may_not_open_the_referral_form(client, method):
    login(client, UserFactory(agency=Agency.IMG, role=Role.IMG_MEMBER, team=None))

    response = getattr(client, method)("/sager/ny/", referral_post() if method == "post" else None)

    assert response.status_code == 403
    assert not Person.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_referral_form_sends_anonymous_users_to_login(client, method):
    response = getattr(client, method)("/sager/ny/", referral_post() if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/sager/ny/"
    assert not Case.objects.exists()


# --- case list search -------------------------------------------------------------------------------------------


def rows(response) -> list[str]:
    assert response.status_code == 200
    table = Page(response).main.find("tbody")
    return [row.find("a").text for row in table.find_all("tr")] if table else []


@pytest.fixture
def people(cmm_worker, cmm_outsider):
    return {
        "grace": make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okoro"}),
        "mary": make_case(cmm_worker, person={"given_name": "Mary Ann", "family_name": "Smith"}),
        "ada": make_case(cmm_worker),
        "outsider": make_case(cmm_outsider, person={"given_name": "Grace", "family_name": "Okoro"}),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grace", ["grace"]),
        ("OKORO", ["grace"]),
        ("Grace Okoro", ["grace"]),
        ("Mary Ann Smith", ["mary"]),
        ("Mary Ann", ["mary"]),
        ("Gra", []),
        ("Testesen", ["ada"]),
    ],
)
def test_case_list_finds_a_person_by_name_posted_not_put_in_the_url(client, cmm_worker, people, query, expected):
    login(client, cmm_worker)

    response = client.post("/sager/", {"q": query})

    assert rows(response) == [people[name].number for name in expected]


def test_case_list_finds_a_case_by_its_number_with_or_without_prefix(client, cmm_worker, people):
    login(client, cmm_worker)
    number = people["mary"].number  # CMM-<year>-0002

    assert rows(client.post("/sager/", {"q": number})) == [number]
    assert rows(client.post("/sager/", {"q": number.lower()})) == [number]
    assert rows(client.post("/sager/", {"q": number.removeprefix("CMM-")})) == [number]


def test_case_list_search_finds_no_case_outside_the_users_scope(client, cmm_outsider, people):
    login(client, cmm_outsider)

    assert rows(client.post("/sager/", {"q": "Grace"})) == [people["outsider"].number]
    assert rows(client.post("/sager/", {"q": people["grace"].number})) == []


def test_case_list_search_form_posts(client, cmm_worker):
    login(client, cmm_worker)

    form = Page(client.get("/sager/")).form()

    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/sager/")


def test_the_next_page_of_a_name_search_is_posted_with_the_name_hidden_in_the_form(client, coordinator):
    for _ in range(51):
        make_case(coordinator)
    login(client, coordinator)

    first = client.post("/sager/", {"q": "Ada"})

    assert len(rows(first)) == 50
    assert "Ada" not in " ".join(a.attrs.get("href") or "" for a in Page(first).main.find_all("a"))
    pager = Page(first).main.find("nav", class_="pagination").find("form")
    assert pager.attrs["method"] == "post"
    assert pager.find("input", name="q").attrs["value"] == "Ada"
    assert len(rows(client.post("/sager/", {"q": "Ada", "page": "2"}))) == 1


def test_an_htmx_search_answers_only_the_rows(client, cmm_worker, people):
    login(client, cmm_worker)

    response = client.post("/sager/", {"q": "Okoro"}, headers={"HX-Request": "true"})

    assert b"<html" not in response.content
    assert rows(response) == [people["grace"].number]


# --- the case action forms: the contract they share --------------------------------------------------------------


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_action_form_opens_with_the_version_seen(client, cmm_worker, dis_worker, transition):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    login(client, dis_worker)

    response = client.get(action_url(transition, case.number))

    assert response.status_code == 200
    assert Page(response).value("version") == str(Case.objects.get(pk=case.pk).version)


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_action_form_saves_and_returns_to_the_case(client, cmm_worker, dis_worker, transition):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    login(client, dis_worker)

    response = client.post(action_url(transition, case.number), valid_input(transition, case))

    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.number}/"
    status, event_type = OUTCOMES[transition]
    assert snapshot(case)["case"][0] == status
    assert snapshot(case)["events"][-1] == event_type


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_stale_write_is_a_conflict_that_keeps_the_input_and_offers_the_current_version(
    client, cmm_worker, dis_worker, transition
):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    posted = valid_input(transition, case)
    current = bump_version(case)
    before = snapshot(case)
    login(client, dis_worker)

    response = client.post(action_url(transition, case.number), posted)

    assert response.status_code == 409
    page = Page(response)
    assert "ændret af en anden" in page.error_summary()
    page.assert_keeps({**posted, "version": str(current)})
    assert snapshot(case) == before

    resubmitted = client.post(action_url(transition, case.number), {**posted, "version": page.value("version")})

    assert resubmitted.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_write_landing_between_load_and_save_offers_the_version_now_stored(
    client, cmm_worker, dis_worker, monkeypatch
):
    """Another user's save commits after this request checked the version but before it wrote."""
    case = not_victim_case(cmm_worker, dis_worker)
    posted = valid_input("notification", case)
    checked = services.case_check_state

    def someone_else_saves(case):
        try:
            bump_version(case)
        finally:
            connection.close()

    def check_then_someone_else_saves(**kwargs):
        checked(**kwargs)
        other = threading.Thread(target=someone_else_saves, args=[kwargs["case"]])  # its own connection
        other.start()
        other.join()

    monkeypatch.setattr(services, "case_check_state", check_then_someone_else_saves)
    login(client, dis_worker)

    response = client.post(action_url("notification", case.number), posted)

    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).version == case.version + 1
    assert Page(response).value("version") == str(case.version + 1)


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_action_not_allowed_in_the_cases_state_is_forbidden(client, cmm_worker, dis_worker, transition, method):
    case = case_ready_for(WRONG_STATE[transition], cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, dis_worker)

    data = valid_input(transition, case) if method == "post" else None

    response = getattr(client, method)(action_url(transition, case.number), data)

    assert response.status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_a_role_without_the_action_is_forbidden_on_a_case_it_may_see(
    client, cmm_worker, dis_worker, ngo_worker, transition
):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    assign_perm("cases.view_case", ngo_worker, case)
    before = snapshot(case)
    login(client, ngo_worker)

    assert client.get(action_url(transition, case.number)).status_code == 403
    assert client.post(action_url(transition, case.number), valid_input(transition, case)).status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_the_other_authoritys_staff_may_not_act_on_the_case(client, cmm_worker, dis_worker, coordinator, transition):
    """A CMM coordinator sees every case, but the DIS-competent ones are DIS's to decide."""
    case = case_ready_for(transition, cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, coordinator)

    response = client.post(action_url(transition, case.number), valid_input(transition, case))

    assert response.status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_case_the_user_may_not_see_is_not_found_like_a_missing_one(
    client, cmm_worker, dis_worker, cmm_outsider, transition, method
):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, cmm_outsider)
    data = valid_input(transition, case) if method == "post" else None

    hidden = getattr(client, method)(action_url(transition, case.number), data)
    missing = getattr(client, method)(action_url(transition, "CMM-1999-9999"), data)

    assert hidden.status_code == missing.status_code == 404
    assert Page(hidden).text.replace(case.number, "N") == Page(missing).text.replace("CMM-1999-9999", "N")
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_action_forms_send_anonymous_users_to_login(client, cmm_worker, dis_worker, transition, method):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    before = snapshot(case)
    url = action_url(transition, case.number)

    response = getattr(client, method)(url, valid_input(transition, case) if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    assert snapshot(case) == before


# --- the notification form --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notified_at", "message"),
    [
        ("i går ved middagstid", "Skriv dato og klokkeslæt for underretningen"),
        ("", "Skriv hvornår politiet og Udlændingestyrelsen blev underrettet."),
        ("2999-01-01T10:00", "Underretningen kan ikke ligge i fremtiden."),
    ],
)
def test_bad_notification_time_is_shown_beside_the_field_with_the_input_kept(
    client, cmm_worker, dis_worker, notified_at, message
):
    case = not_victim_case(cmm_worker, dis_worker)
    posted = {"version": str(case.version), "notified_at": notified_at}
    before = snapshot(case)
    login(client, dis_worker)

    response = client.post(action_url("notification", case.number), posted)

    assert response.status_code == 400
    page = Page(response)
    [error] = page.field_errors("notified_at")
    assert message in error
    assert error in page.error_summary()
    page.assert_keeps({**posted, "notified_at": notified_at or None})
    assert snapshot(case) == before


def test_recording_the_notification_meets_its_deadline(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    login(client, dis_worker)

    client.post(action_url("notification", case.number), valid_input("notification", case))

    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)
    assert deadline.status == Deadline.Status.MET


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.POLICE_LIAISON, "/mine-henvisninger/", "Mine sager"),
        (Role.DP_AUDITOR, "/revision/", "Mine sager"),
        (Role.IMG_MEMBER, "ikke adgang til sagerne", "Mine sager"),
        (Role.CMM_CONTACT_PERSON, "Mine sager", "ikke adgang til sagerne"),
    ],
)
def test_the_start_page_offers_each_role_what_the_policy_gives_it(client, role, shown, hidden):
    from tests.factories import login

    page = login(client, UserFactory(role=role)).get("/").content.decode()

    assert shown in page and hidden not in page


def test_own_referrals_show_the_referrers_reference_and_whether_identification_came_within_72_hours(client, police):
    now = timezone.now()
    detained = {
        "detained": True,
        "detained_at": now - dt.timedelta(hours=10),
        "received_at": now - dt.timedelta(hours=9),
    }
    in_time = make_case(police, referrer_reference="0100-1", **detained)
    late = make_case(police, referrer_reference="0100-2", **detained)
    waiting = make_case(police, referrer_reference="0100-3", **detained)
    not_detained = make_case(police)
    Deadline.objects.filter(case=in_time).update(status=Deadline.Status.MET, closed_at=now)
    Deadline.objects.filter(case=late).update(status=Deadline.Status.MISSED, closed_at=now)
    login(client, police)

    page = Page(client.get("/mine-henvisninger/"))

    rows = {row.find("td").text: row.text for row in page.main.find("tbody").find_all("tr")}
    assert "0100-1" in rows[in_time.number] and "Ja, inden for 72 timer" in rows[in_time.number]
    assert "0100-2" in rows[late.number] and "Nej, efter fristen" in rows[late.number]
    assert "0100-3" in rows[waiting.number] and "Afventer" in rows[waiting.number]
    assert "Ikke frihedsberøvet" in rows[not_detained.number]
    # The status only: nothing of the person, no way into the file.
    assert "Testesen" not in page.text and page.main.find("tbody").find("a") is None


def test_ret_on_a_group_of_choices_puts_the_cursor_in_the_group(client, cmm_worker):
    login(client, cmm_worker)

    page = Page(client.post("/sager/ny/", referral_post(step=None, edit="residence_status")))

    radios = page.main.find_all("input", name="residence_status")
    assert ["autofocus" in radio.attrs for radio in radios] == [True] + [False] * (len(radios) - 1)
