"""The case actions: what is offered (and why not), the question before a consequential one, and what the page says
after it, in words."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.formats import date_format

from access import policy
from access.policy import Action
from cases.codes import ResidenceStatus
from cases.models import Case
from grants.models import Handover, Share
from identification.models import Period
from tests.cases.test_input_limits import share_post
from tests.cases.test_views import action_url
from tests.factories import login, make_case
from tests.grants.test_api import shared
from tests.html import Page
from tests.states import case_ready_for, extended, not_victim_case, snapshot, valid_input

pytestmark = pytest.mark.django_db


def day(value) -> str:
    return date_format(value, "j. F Y")


def success(response) -> str:
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    return message


# --- "not a victim" asks first --------------------------------------------------------------------------------------


def not_victim_input(case) -> dict:
    return {**valid_input("assessment", case), "decision": "not_victim", "reasons": "Ingen indikatorer."}


def test_not_a_victim_asks_first_and_changes_nothing_until_confirmed(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, dis_worker)
    posted = not_victim_input(case)

    asked = client.post(action_url("assessment", case.number), posted)

    assert asked.status_code == 200
    page = Page(asked)
    assert "Ja, registrér “ikke offer” og afslut sagen" in page.text
    assert "Sagen afsluttes" in page.main.find(**{"data-testid": "confirm-consequence"}).text
    assert page.value("reasons") == "Ingen indikatorer."  # carried in the confirmation's hidden fields
    assert snapshot(case) == before


def test_going_back_from_the_question_shows_the_form_with_the_input_kept(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, dis_worker)
    posted = not_victim_input(case)

    back = client.post(action_url("assessment", case.number), {**posted, "confirmed": "back"})

    assert back.status_code == 200
    Page(back).assert_keeps(posted)
    assert snapshot(case) == before


def test_confirmed_not_a_victim_closes_the_case_and_says_so(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    login(client, dis_worker)

    done = client.post(action_url("assessment", case.number), {**not_victim_input(case), "confirmed": "yes"})

    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert success(done).startswith("Vurderingen er registreret: ikke vurderet som offer, og sagen er afsluttet.")


def test_a_victim_decision_is_recorded_without_a_question(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    login(client, dis_worker)

    done = client.post(action_url("assessment", case.number), valid_input("assessment", case))

    assert done.status_code == 302
    assert success(done).startswith("Vurderingen er registreret: vurderet som offer.")


# --- what is offered, and why not ----------------------------------------------------------------------------------


def test_no_extension_is_offered_at_120_days_and_the_page_says_why(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    extended(case, dis_worker, 90)
    login(client, dis_worker)

    page = client.get(f"/sager/{case.number}/").content.decode()
    direct = client.get(action_url("extension", case.number))
    posted = client.post(action_url("extension", case.number), valid_input("extension", case))

    reason = "Perioden har nået det højeste antal dage, 120, og kan ikke forlænges mere."
    assert "Forlæng perioden" not in page and reason in page
    assert Action.EXTEND_PERIOD not in policy.allowed_actions(dis_worker, Case.objects.get(pk=case.pk))
    assert direct.status_code == 403 and reason in direct.content.decode()
    assert posted.status_code == 403
    assert Period.objects.get(case=case).days_total == 120


def test_no_notification_is_offered_once_it_is_recorded(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    login(client, dis_worker)
    client.post(action_url("notification", case.number), valid_input("notification", case))

    page = client.get(f"/sager/{case.number}/").content.decode()
    direct = client.get(action_url("notification", case.number))

    assert "Registrér underretning" not in page
    assert "Underretningen af politi og Udlændingestyrelsen er registreret" in page
    assert direct.status_code == 403 and "er registreret" in direct.content.decode()


def test_the_other_authoritys_actions_are_explained_once(client, cmm_worker, dis_worker):
    case = make_case(cmm_worker)  # DIS is competent: DIS assesses
    login(client, cmm_worker)

    page = Page(client.get(f"/sager/{case.number}/"))

    notes = page.main.find(**{"data-testid": "case-unavailable"}).text
    assert "Udlændingestyrelsen er kompetent myndighed i sagen og tager dens afgørelser." in notes
    assert "Registrér vurdering" not in page.text


def test_actions_of_other_stages_are_neither_offered_nor_explained(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    login(client, dis_worker)

    page = Page(client.get(f"/sager/{case.number}/"))

    assert page.main.find(**{"data-testid": "case-unavailable"}) is None
    assert "Forlæng perioden" not in page.text and "Giv periode" not in page.text


# --- what happened, in words -----------------------------------------------------------------------------------------


def test_a_granted_period_says_its_first_and_last_day(client, cmm_worker, dis_worker):
    case = case_ready_for("period", cmm_worker, dis_worker)
    login(client, dis_worker)

    done = client.post(action_url("period", case.number), valid_input("period", case))

    period = Period.objects.get(case=case)
    assert success(done) == (
        f"{period.get_kind_display()} er givet fra {day(period.starts_on)} til og med {day(period.last_day)} (30 dage)."
    )


def test_an_extension_says_the_new_last_day(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    login(client, dis_worker)

    done = client.post(action_url("extension", case.number), valid_input("extension", case))

    period = Period.objects.get(case=case)
    assert success(done) == f"Perioden er forlænget til og med {day(period.last_day)}: 60 dage i alt."


def test_a_recorded_notification_says_when(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    login(client, dis_worker)
    data = valid_input("notification", case)

    done = client.post(action_url("notification", case.number), data)

    when = date_format(dt.datetime.fromisoformat(data["notified_at"]), "DATETIME_FORMAT")
    assert success(done) == f"Underretningen er registreret: politi og Udlændingestyrelsen blev underrettet {when}."


def test_a_share_says_with_whom_and_until_when(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    until = timezone.localdate() + dt.timedelta(days=30)

    done = share_post(client, cmm_worker, case, reden, expires_on=until.isoformat())

    assert success(done) == (
        f"Sagen er delt med Reden til og med {day(until)} til formålet “{Share.Scope.SUPPORT.label}”."
    )


def test_stopping_a_share_names_the_organisation(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    share = shared(case, cmm_worker, reden)
    login(client, cmm_worker)

    done = client.post(f"/sager/{case.number}/deling/{share.pk}/tilbagekald/", {"confirmed": "yes"})
    again = client.get(f"/sager/{case.number}/deling/{share.pk}/tilbagekald/")

    assert success(done) == "Delingen med Reden er stoppet: organisationen har ikke længere adgang til sagen."
    assert again.status_code == 403 and "Delingen med Reden blev stoppet" in again.content.decode()


def test_a_hand_over_request_says_to_whom(client, cmm_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)  # CMM is competent
    login(client, cmm_worker)

    done = client.post(f"/sager/{case.number}/overdragelse/", {"version": case.version, "reason": "Asyl søgt."})

    assert success(done).startswith("Anmodningen om overdragelse er sendt til Udlændingestyrelsen.")
    assert Handover.objects.filter(case=case, status=Handover.Status.PENDING).exists()


def residence_post(client, user, residence_status, reason):
    """A CMM case of a person with legal residence, and the residence form sent for it."""
    case = make_case(user, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    login(client, user)
    data = {"version": case.version, "residence_status": residence_status, "reason": reason}
    return client.post(f"/sager/{case.number}/opholdsgrundlag/", data)


def test_a_residence_change_says_the_new_status_and_the_hand_over_it_starts(client, cmm_worker):
    done = residence_post(client, cmm_worker, ResidenceStatus.ASYLUM_SEEKER, "Asyl søgt.")

    assert success(done) == (
        f"Opholdsgrundlaget er ændret til “{ResidenceStatus.ASYLUM_SEEKER.label}”. Udlændingestyrelsen er anmodet om "
        "at overtage sagen; indtil da er den fortsat jeres."
    )


# --- every problem in one pass on the grants' forms ----------------------------------------------------------------


def test_a_share_form_reports_all_its_problems_at_once(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    login(client, cmm_worker)

    response = client.post(
        f"/sager/{case.number}/deling/",
        {"version": case.version, "consent_given_on": tomorrow.isoformat(), "expires_on": "2026-01-01"},
    )

    page = Page(response)
    assert response.status_code == 400
    assert page.field_errors("team") == ["Vælg den organisation, personen har givet samtykke til."]
    assert page.field_errors("scope") == ["Vælg formålet, som samtykket gælder."]
    assert page.field_errors("consent_given_on") == ["Samtykket kan ikke være givet i fremtiden."]
    # The consent's day was refused, so the expiry is judged against today.
    assert page.field_errors("expires_on") == ["Samtykket er allerede udløbet. Skriv den sidste dag, samtykket gælder."]
    assert not Share.objects.exists()


def test_a_residence_form_reports_the_unchanged_status_and_the_missing_reason_at_once(client, cmm_worker):
    response = residence_post(client, cmm_worker, ResidenceStatus.LEGAL_RESIDENCE, "")

    page = Page(response)
    assert response.status_code == 400
    assert "er allerede “" in page.field_errors("residence_status")[0]
    assert page.field_errors("reason") == ["Begrund ændringen."]


def test_a_notification_before_the_decision_names_the_decision_day(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    login(client, dis_worker)
    earlier = timezone.localtime() - dt.timedelta(days=3)

    response = client.post(
        action_url("notification", case.number),
        {"version": case.version, "notified_at": earlier.strftime("%Y-%m-%dT%H:%M")},
    )

    decided = day(Case.objects.get(pk=case.pk).assessment.decided_on)
    assert Page(response).field_errors("notified_at") == [f"Underretningen kan ikke ligge før afgørelsen, {decided}."]
