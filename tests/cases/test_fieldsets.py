"""Need-to-know, field by field: each role and share scope reads exactly its set, on the page and in the API."""

import datetime as dt

import pytest
from django.utils import timezone

from access import fieldsets
from access.fieldsets import CASE_PARTS, REPATRIATION, SUPPORT
from accounts.models import Agency, Role
from cases.models import Representative
from grants import services as grants
from tests.factories import TeamFactory, UserFactory, login, make_case
from tests.states import assessed, extended, granted

pytestmark = pytest.mark.django_db

# A value per identifying part, each one findable on a page or in a JSON body.
MARKERS = {
    "person.given_name": "Adaeze",
    "person.family_name": "Okonkwo",
    "person.aliases": "Mama-Alias",
    "person.primary_language": "Igbo-sprog",
    "person.cpr_number": "0101901234",
    "person.document_number": "PX1234567",
    "person.phone": "+4512345678",
    "person.address": "Skjultvej-17",
    "person.notes": "Note-om-personen",
    "referral.referring_organisation": "Henviser-Org",
    "referral.circumstances": "Omstaendigheder-tekst",
    "assessment.interpreter_language": "Tolk-sprog",
    "assessment.reasons": "Begrundelse-tekst",
    "period.extensions.exceptional_circumstances": "Hospital-forlaengelse",
    "representative.name": "Vaerge-Navn",
    "representative.phone": "+4599887766",
}


def marked_case(cmm_worker, dis_worker):
    """A CMM-referred case assessed by DIS, in its extended period, a marker in every identifying part."""
    case = make_case(
        cmm_worker,
        person={
            "date_of_birth": dt.date(1990, 1, 1),
            **{part.removeprefix("person."): value for part, value in MARKERS.items() if part.startswith("person.")},
        },
        referring_organisation=MARKERS["referral.referring_organisation"],
        circumstances=MARKERS["referral.circumstances"],
    )
    case = assessed(case, dis_worker)
    case.assessment.interpreter_language = MARKERS["assessment.interpreter_language"]
    case.assessment.reasons = MARKERS["assessment.reasons"]
    case.assessment.save()
    case = extended(granted(case, dis_worker), dis_worker)
    extension = case.period.extensions.get()
    extension.exceptional_circumstances = MARKERS["period.extensions.exceptional_circumstances"]
    extension.save()
    # A representative written directly: the service records one only for a minor, and this person is an adult.
    Representative.objects.create(
        case=case,
        kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
        name=MARKERS["representative.name"],
        phone=MARKERS["representative.phone"],
        organisation="Raade-Kors",
        appointed_on=timezone.localdate(),
        recorded_by=dis_worker,
    )
    case.refresh_from_db()
    return case


def shared_with_reden_and_iom(case, cmm_worker) -> tuple:
    """The case shared on consent with an NGO for support and with the IOM for repatriation: the two teams."""
    reden = TeamFactory(agency=Agency.NGO, name="Reden-NGO")
    iom = TeamFactory(agency=Agency.IOM, name="IOM-Danmark")
    today = timezone.localdate()
    for team, scope in ((reden, "support"), (iom, "repatriation")):
        case.refresh_from_db()
        grants.share_create(
            case=case,
            actor=cmm_worker,
            expected_version=case.version,
            team=team,
            scope=scope,
            consent_given_on=today,
            expires_on=today + dt.timedelta(days=90),
        )
    return reden, iom


@pytest.fixture
def world(cmm_worker, coordinator, dis_worker):
    case = marked_case(cmm_worker, dis_worker)
    reden, iom = shared_with_reden_and_iom(case, cmm_worker)
    case.refresh_from_db()
    return {
        "case": case,
        "readers": {
            "cmm_contact_person": cmm_worker,
            "cmm_coordinator": coordinator,
            "dis_caseworker": dis_worker,
            "dis_coordinator": UserFactory(username="us.koord", agency=Agency.DIS, role=Role.DIS_COORDINATOR),
            "ngo_support": UserFactory(username="ngo.reden", agency=Agency.NGO, role=Role.NGO_WORKER, team=reden),
            "iom_repatriation": UserFactory(username="iom.dk", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom),
        },
    }


EXPECTED = {
    "cmm_contact_person": set(CASE_PARTS),
    "cmm_coordinator": set(CASE_PARTS),
    "dis_caseworker": set(CASE_PARTS),
    "dis_coordinator": set(CASE_PARTS),
    "ngo_support": set(SUPPORT),
    "iom_repatriation": set(REPATRIATION),
}


def leaf_parts(data, prefix="") -> set[str]:
    """The dotted names of what a JSON body holds (lists of objects count by their members' keys)."""
    parts = set()
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            parts |= leaf_parts(value, f"{name}.") or {name}
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value) and key != "deadlines":
            for item in value:
                parts |= leaf_parts(item, f"{name}.")
        else:
            parts.add(name)
    return parts


# The API's detail has no shares, no events, no staff, no support services, no action plan, no repatriation and
# no follow-up reports (those have their own endpoints or none).
NOT_IN_DETAIL = {
    "shares",
    "events.reason",
    "contact_person",
    "team",
    "support_services",
    "support_service_notes",
    "action_plan",
} | {part for part in CASE_PARTS if part.startswith(("repatriation.", "follow_up_reports."))}


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_the_api_detail_holds_exactly_the_readers_field_set(client, world, reader):
    login(client, world["readers"][reader])

    body = client.get(f"/api/v1/cases/{world['case'].number}/").json()

    assert leaf_parts(body) == EXPECTED[reader] - NOT_IN_DETAIL


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_the_case_page_shows_exactly_the_readers_identifying_values(client, world, reader):
    login(client, world["readers"][reader])

    page = client.get(f"/sager/{world['case'].number}/").content.decode()

    shown = {part for part, marker in MARKERS.items() if marker in page}
    assert shown == {part for part in MARKERS if part in EXPECTED[reader]}


@pytest.mark.parametrize("reader", ["ngo_support", "iom_repatriation"])
def test_an_organisation_sees_no_other_organisation_no_staff_name_and_no_reason(client, world, reader):
    login(client, world["readers"][reader])
    number = world["case"].number

    page = client.get(f"/sager/{number}/").content.decode()
    events = client.get(f"/api/v1/cases/{number}/events/").json()

    other = "IOM-Danmark" if reader == "ngo_support" else "Reden-NGO"
    assert other not in page and other not in str(events)
    for staff in ("cmm.kontakt", "us.sagsbehandler", str(world["readers"]["cmm_contact_person"])):
        assert staff not in page and staff not in str(events)
    assert {event["event_type"] for event in events} <= set(fieldsets.SHARED_EVENTS)
    assert all("reason" not in event for event in events)
    assert {event["actor"] for event in events if event["actor"]} <= {
        str(Agency.DIS.label),
        str(Agency.CMM.label),
    }
    assert "Begrundelse-tekst" not in str(events) and "Hospital-forlaengelse" not in str(events)


def test_case_work_sees_staff_usernames_and_reasons_in_the_events(client, world):
    login(client, world["readers"]["cmm_contact_person"])

    events = client.get(f"/api/v1/cases/{world['case'].number}/events/").json()

    assert any(event["actor"] == world["readers"]["dis_caseworker"].username for event in events)
    assert any(event.get("reason") == "Hospital-forlaengelse" or event.get("reason") for event in events)
    assert {"shared", "referral_registered"} <= {event["event_type"] for event in events}


@pytest.mark.parametrize("reader", ["ngo_support", "iom_repatriation"])
def test_an_organisations_deadlines_are_the_period_end_only(client, world, reader):
    login(client, world["readers"][reader])

    deadlines = client.get("/api/v1/deadlines/").json()

    assert deadlines and {row["kind"] for row in deadlines} == {"period_end"}


def test_an_organisations_case_list_rows_leave_out_what_one_scope_may_not_read(client, world):
    login(client, world["readers"]["iom_repatriation"])

    [row] = client.get("/api/v1/cases/").json()["results"]

    assert "exploitation_forms" not in row
    assert row["person"] == "Adaeze Okonkwo"


def test_every_part_of_the_api_detail_is_named_in_the_policy(client, world):
    """A field added to the case's API without a line in the field sets would be shown to everyone."""
    login(client, world["readers"]["cmm_contact_person"])

    body = client.get(f"/api/v1/cases/{world['case'].number}/").json()

    assert leaf_parts(body) <= set(CASE_PARTS)
