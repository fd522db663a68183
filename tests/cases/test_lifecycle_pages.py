"""The pages and API of a victim's case after identification: the case page's stage, contact person, a leaver's
cases, a minor's representative and closing, through the test client."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Agency, Role
from cases import lifecycle, worklist
from cases.codes import ResidenceStatus
from cases.models import Case, Representative
from tests.cases.test_query_counts import CASE_READ_MAX_QUERIES
from tests.cases.test_views import referral_post
from tests.factories import UserFactory, login, make_case
from tests.states import identified_case, period_case, shared

pytestmark = pytest.mark.django_db


@pytest.fixture
def dis_victim(police, dis_worker):
    return identified_case(police, dis_worker)


def minor(police, dis_worker, **person) -> Case:
    return identified_case(police, dis_worker, unaccompanied=True, age_estimate=15)


def record(case, actor, name="Hanne Værge"):
    return lifecycle.representative_record(
        case=Case.objects.get(pk=case.pk),
        actor=actor,
        expected_version=Case.objects.get(pk=case.pk).version,
        kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
        name=name,
        phone="+45 11 22 33 44",
        organisation="Røde Kors",
        appointed_on=timezone.localdate(),
    )


def test_the_case_page_shows_its_stage_next_deadline_and_what_a_coordinator_can_do(client, coordinator, dis_victim):
    login(client, coordinator)

    html = client.get(f"/sager/{dis_victim.number}/").content.decode()

    assert 'data-stage="identification"' in html
    assert re.search(r'<li class="case-stage-step case-stage-step--current current" aria-current="step">', html)
    assert 'data-testid="case-contact-person-missing"' in html
    assert f'href="/sager/{dis_victim.number}/kontaktperson/">Tildel kontaktperson</a>' in html
    assert 'data-testid="case-next-deadline">Ingen' in html


def test_a_coordinators_unassigned_task_links_to_the_assignment(coordinator, dis_victim):
    tasks = [task for task in worklist.tasks_for(coordinator) if task.kind == worklist.UNASSIGNED]

    assert [task.case.pk for task in tasks] == [dis_victim.pk]
    assert tasks[0].url == f"/sager/{dis_victim.number}/kontaktperson/"


def test_a_coordinator_assigns_the_contact_person_on_the_page(client, coordinator, dis_victim, cmm_worker, dis_worker):
    login(client, coordinator)
    url = f"/sager/{dis_victim.number}/kontaktperson/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"version": dis_victim.version, "contact_person": dis_worker.pk})
    assert refused.status_code == 400  # not among the choices
    response = client.post(url, {"version": dis_victim.version, "contact_person": cmm_worker.pk}, follow=True)

    assert Case.objects.get(pk=dis_victim.pk).contact_person == cmm_worker
    assert f"{cmm_worker} er nu sagens kontaktperson." in response.content.decode()
    stale = client.post(url, {"version": dis_victim.version, "contact_person": cmm_worker.pk})
    assert stale.status_code == 409


def test_a_minors_case_page_shows_the_tag_and_the_representative_in_the_same_queries(
    client, police, dis_worker, django_assert_max_num_queries
):
    case = minor(police, dis_worker)
    login(client, dis_worker)
    html = client.get(f"/sager/{case.number}/").content.decode()
    assert 'data-testid="unaccompanied-minor">Uledsaget mindreårig' in html
    assert "Ingen registreret" in html
    assert "registrér en personlig repræsentant" in html  # why no period can be granted yet
    assert "Giv periode" not in html

    for name in ("Første Værge", "Anden Værge", "Tredje Værge"):
        record(case, dis_worker, name)
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(CASE_READ_MAX_QUERIES):
        html = client.get(f"/sager/{case.number}/").content.decode()
    assert "Tredje Værge (personlig repræsentant, Røde Kors, tlf. +45 11 22 33 44)" in html
    assert "Giv periode" in html
    assert len(queries) <= CASE_READ_MAX_QUERIES


def test_an_ngo_sees_the_representative_but_the_iom_not_their_phone(police, dis_worker, cmm_worker, reden):
    from access import fieldsets

    assert "representative.phone" in fieldsets.SUPPORT
    assert "representative.name" in fieldsets.REPATRIATION and "representative.phone" not in fieldsets.REPATRIATION
    assert "exit_note" not in fieldsets.SUPPORT | fieldsets.REPATRIATION


def test_the_shared_case_page_shows_the_ngo_the_minors_tag(client, cmm_worker, reden, ngo_worker):
    case = identified_case(
        cmm_worker,
        cmm_worker,
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
        person={"date_of_birth": timezone.localdate().replace(year=timezone.localdate().year - 15)},
        unaccompanied=True,
    )
    record(case, cmm_worker)
    shared(case, reden)
    login(client, ngo_worker)

    html = client.get(f"/sager/{case.number}/").content.decode()

    assert "Uledsaget mindreårig" in html  # the date of birth is hidden from the NGO, the tag is not
    assert "Hanne Værge" in html


def test_a_representative_is_recorded_on_its_page(client, police, dis_worker):
    case = minor(police, dis_worker)
    login(client, dis_worker)
    url = f"/sager/{case.number}/repraesentant/"

    missing = client.post(url, {"version": case.version})
    assert missing.status_code == 400
    assert "Skriv repræsentantens navn." in missing.content.decode()
    response = client.post(
        url,
        {
            "version": case.version,
            "kind": "parental_responsibility",
            "name": "Mor Mama",
            "appointed_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "Forældremyndighedsindehaver er registreret: Mor Mama." in response.content.decode()
    adult = identified_case(police, dis_worker)
    assert client.get(f"/sager/{adult.number}/repraesentant/").status_code == 403


def test_closing_asks_first_and_then_closes(client, police, dis_worker):
    case = period_case(police, dis_worker)
    login(client, dis_worker)
    url = f"/sager/{case.number}/afslut/"
    page = client.get(url).content.decode()
    assert 'value="prepared_repatriation"' not in page and 'value="not_victim"' not in page
    data = {"version": case.version, "exit_reason": "disappeared", "exit_on": timezone.localdate().isoformat()}

    asked = client.post(url, data).content.decode()
    assert "Ja, afslut sagen" in asked and "kan ikke fortrydes" in asked
    assert Case.objects.get(pk=case.pk).status == Case.Status.PERIOD
    done = client.post(url, {**data, "confirmed": "yes"}, follow=True).content.decode()

    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert "Sagen er afsluttet: Forsvundet" in done
    assert 'data-stage="closed"' in done


def test_the_other_reason_without_a_note_is_shown_beside_the_field(client, police, dis_worker):
    case = period_case(police, dis_worker)
    login(client, dis_worker)

    response = client.post(
        f"/sager/{case.number}/afslut/",
        {"version": case.version, "exit_reason": "other", "exit_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 400
    assert "Beskriv afslutningen, når årsagen er “Andet”." in response.content.decode()


def test_a_coordinator_moves_a_leavers_cases_after_a_confirmation(client, coordinator, cmm_worker, cmm_colleague):
    for _ in range(2):
        make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    cmm_worker.is_active = False
    cmm_worker.save()
    login(client, coordinator)
    assert client.get("/kontaktpersoner/flyt-sager/").status_code == 200
    data = {"leaver": cmm_worker.pk, "receiver": cmm_colleague.pk}

    asked = client.post("/kontaktpersoner/flyt-sager/", data).content.decode()
    assert f"Flyt 2 sager fra {cmm_worker} til {cmm_colleague}?" in asked
    assert Case.objects.filter(contact_person=cmm_worker).count() == 2
    done = client.post("/kontaktpersoner/flyt-sager/", {**data, "expected_count": 2, "confirmed": "yes"}, follow=True)

    assert "2 sager er flyttet fra" in done.content.decode()
    assert Case.objects.filter(contact_person=cmm_colleague).count() == 2


def test_the_move_page_refuses_a_receiver_who_is_not_a_contact_person(client, coordinator, cmm_worker, dis_worker):
    make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    login(client, coordinator)

    response = client.post("/kontaktpersoner/flyt-sager/", {"leaver": cmm_worker.pk, "receiver": dis_worker.pk})

    assert response.status_code == 400
    assert Case.objects.filter(contact_person=cmm_worker).count() == 1


def test_the_move_page_is_the_coordinators(client, cmm_worker):
    login(client, cmm_worker)
    assert client.get("/kontaktpersoner/flyt-sager/").status_code == 403


def test_the_referral_form_records_an_unaccompanied_minor_by_estimate(client, cmm_worker):
    login(client, cmm_worker)

    checked = client.post(
        "/sager/ny/", referral_post(step=None, date_of_birth="", age_estimate="15", unaccompanied="on")
    )
    assert "Anslået alder (år)" in checked.content.decode()
    client.post("/sager/ny/", referral_post(date_of_birth="", age_estimate="15", unaccompanied="on"))
    both = client.post("/sager/ny/", referral_post(age_estimate="15"))

    referral = Case.objects.get().referral
    assert (referral.unaccompanied, referral.age_estimate, referral.age_band) == (True, 15, "9-17")
    assert both.status_code == 400 and "Anslå kun alderen" in both.content.decode()


# --- the API ------------------------------------------------------------------------------------------------------


def api_post(client, case, path, **data):
    return client.post(
        f"/api/v1/cases/{case.number}/{path}",
        {"version": Case.objects.get(pk=case.pk).version, **data},
        content_type="application/json",
    )


def test_the_api_assigns_a_contact_person_and_refuses_another_role(client, coordinator, dis_victim, cmm_worker):
    login(client, coordinator)

    refused = api_post(client, dis_victim, "contact-person/", contact_person=coordinator.pk)
    assert refused.status_code == 400 and "ikke en aktiv kontaktperson" in refused.content.decode()
    response = api_post(client, dis_victim, "contact-person/", contact_person=cmm_worker.pk)

    assert response.status_code == 200  # the case as it stands (the API names no staff)
    assert Case.objects.get(pk=dis_victim.pk).contact_person == cmm_worker


def test_the_api_records_a_representative_and_closes_the_case(client, police, dis_worker):
    case = minor(police, dis_worker)
    login(client, dis_worker)

    response = api_post(
        client,
        case,
        "representatives/",
        kind="personal_representative",
        name="Hanne Værge",
        appointed_on=timezone.localdate().isoformat(),
    )
    assert response.status_code == 200
    assert response.json()["representative"]["name"] == "Hanne Værge"
    assert response.json()["referral"]["unaccompanied"] is True

    early = api_post(client, case, "close/", exit_reason="other", exit_on=timezone.localdate().isoformat())
    assert early.status_code == 400
    closed = api_post(
        client, case, "close/", exit_reason="other", exit_on=timezone.localdate().isoformat(), exit_note="Flyttet."
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["exit_on"] == timezone.localdate().isoformat()


def test_another_user_gets_404_from_the_new_endpoints(client, police, dis_worker, coordinator):
    case = period_case(police, dis_worker)
    login(client, UserFactory(agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON))
    for path in ("representatives/", "close/"):
        assert api_post(client, case, path).status_code == 404
    login(client, coordinator)
    assert api_post(client, make_case(police), "contact-person/").status_code == 404  # a DIS referral


def test_closing_before_follow_up_ends_asks_for_the_reason_on_the_form(client, police, dis_worker):
    from cases.deadlines import DeadlineKind, end_of_day
    from cases.services import deadline_open

    case = period_case(police, dis_worker)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED)
    deadline_open(
        case=case, kind=DeadlineKind.FOLLOW_UP_END, due_at=end_of_day(timezone.localdate() + dt.timedelta(days=90))
    )
    login(client, dis_worker)

    page = client.get(f"/sager/{case.number}/afslut/").content.decode()

    assert "Begrundelse for at afslutte før opfølgningen slutter" in page
    assert "Sagen kan afsluttes før, men kun med en begrundelse." in page
