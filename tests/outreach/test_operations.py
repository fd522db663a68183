"""Police operation notices: the liaison's own, CMM's list and staffing, the reminders before each; and tallies."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from outreach import services
from outreach.models import Operation, OutreachTally
from reminders.models import Notification, NotificationKind
from reminders.services import reminders_scan
from tests.factories import UserFactory, login
from tests.html import Page

pytestmark = pytest.mark.django_db


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def notice_post(**changes) -> dict:
    return {
        "starts_at": local_input(timezone.now() + dt.timedelta(days=2)),
        "district": "kobenhavn",
        "place_kind": "massage",
        "expected_people": "12",
        "languages": ["thai", "rumænsk"],
        **changes,
    }


def notify(liaison, *, hours_ahead: float = 48, district: str = "kobenhavn") -> Operation:
    return services.operation_notify(
        actor=liaison,
        starts_at=timezone.now() + dt.timedelta(hours=hours_ahead),
        district=district,
        place_kind="massage",
        expected_people=8,
        languages=[],
    )


@pytest.fixture
def other_liaison(db):
    return UserFactory(username="politi.fyn", agency=Agency.POLICE, role=Role.POLICE_LIAISON)


def test_a_liaison_notifies_an_operation_and_sees_it_in_their_list_as_received(client, police):
    login(client, police)

    response = client.post("/politiaktioner/ny/", notice_post())

    assert response.status_code == 302 and response.headers["Location"] == "/politiaktioner/mine/"
    operation = Operation.objects.get()
    assert (operation.submitted_by, operation.district, operation.expected_people) == (police, "kobenhavn", 12)
    assert AuditEvent.objects.filter(what="operation_notice", actor=police).exists()
    rows = Page(client.get("/politiaktioner/mine/")).main.find_all("tr", **{"data-testid": "notice"})
    assert len(rows) == 1 and "Københavns Politi" in rows[0].text and "Modtaget af CMM" in rows[0].text


def test_an_operation_in_the_past_is_refused_beside_its_field(client, police):
    login(client, police)

    response = client.post(
        "/politiaktioner/ny/", notice_post(starts_at=local_input(timezone.now() - dt.timedelta(hours=1)))
    )

    assert response.status_code == 400
    error = Page(response).main.find(id="id_starts_at_error")
    assert error is not None and "fremtiden" in error.text
    assert not Operation.objects.exists()


def test_a_liaison_sees_only_their_own_notices(client, police, other_liaison):
    mine = notify(police, hours_ahead=30)
    notify(other_liaison, hours_ahead=40, district="fyn")

    page = Page(login(client, other_liaison).get("/politiaktioner/mine/"))

    assert "Fyns Politi" in page.main.text and "Københavns Politi" not in page.main.text
    # Nor the operation's own page: the liaisons have no access to CMM's list or its operations.
    assert client.get(f"/politiaktioner/{mine.pk}/").status_code == 403
    assert client.get("/politiaktioner/").status_code == 403


@pytest.mark.parametrize("role", [Role.NGO_WORKER, Role.REFERRING_AUTHORITY, Role.DIS_CASEWORKER, Role.IMG_MEMBER])
def test_roles_outside_cmm_cannot_see_the_operations(client, police, role):
    operation = notify(police)
    login(client, UserFactory(role=role))

    assert client.get("/politiaktioner/").status_code == 403
    assert client.get(f"/politiaktioner/{operation.pk}/").status_code == 403
    assert client.get("/politiaktioner/ny/").status_code == 403


def test_the_coordinator_sees_the_upcoming_operations_soonest_first(
    client, coordinator, police, other_liaison, django_assert_num_queries
):
    later = notify(police, hours_ahead=72)
    sooner = notify(other_liaison, hours_ahead=5, district="fyn")
    Operation.objects.filter(pk=notify(police).pk).update(starts_at=timezone.now() - dt.timedelta(days=2))  # past
    login(client, coordinator)
    client.get("/politiaktioner/")  # the session and the user, read once

    with django_assert_num_queries(5):  # session, user, unread count, the operations, their staff
        page = Page(client.get("/politiaktioner/"))

    rows = page.main.find_all("tr", **{"data-testid": "operation"})
    links = [row.find("a").attrs["href"] for row in rows]
    assert links == [f"/politiaktioner/{sooner.pk}/", f"/politiaktioner/{later.pk}/"]


def test_the_coordinator_staffs_an_operation_and_the_liaison_sees_cmm_takes_part_without_names(
    client, coordinator, cmm_worker, police
):
    operation = notify(police)
    login(client, coordinator)

    response = client.post(f"/politiaktioner/{operation.pk}/", {"staff": [cmm_worker.pk]})

    assert response.status_code == 302
    operation.refresh_from_db()
    assert list(operation.staff.all()) == [cmm_worker] and operation.status == Operation.Status.STAFFED
    row = Page(login(client, police).get("/politiaktioner/mine/")).main.find("tr", **{"data-testid": "notice"})
    assert "CMM deltager (medarbejdere: 1)" in row.text and str(cmm_worker) not in row.text


def test_a_contact_person_sees_an_operation_but_cannot_staff_it(client, cmm_worker, police):
    operation = notify(police)
    login(client, cmm_worker)

    page = client.get(f"/politiaktioner/{operation.pk}/")
    refused = client.post(f"/politiaktioner/{operation.pk}/", {"staff": [cmm_worker.pk]})

    assert page.status_code == 200 and b'name="staff"' not in page.content
    assert refused.status_code == 403 and not operation.staff.exists()


def test_only_cmm_staff_can_be_assigned(coordinator, police):
    operation = notify(police)
    with pytest.raises(services.DomainError):
        services.operation_staff_set(operation=operation, actor=coordinator, staff=[police])


def test_the_staff_and_the_coordinators_are_reminded_at_each_lead_time_once(coordinator, cmm_worker, police):
    operation = notify(police, hours_ahead=20)
    services.operation_staff_set(operation=operation, actor=coordinator, staff=[cmm_worker])
    notify(police, hours_ahead=40)  # beyond the longest lead: nothing yet

    reminders_scan()
    reminders_scan()

    told = set(Notification.objects.values_list("recipient", "lead", "operation"))
    assert told == {(cmm_worker.pk, "24h", operation.pk), (coordinator.pk, "24h", operation.pk)}
    later = timezone.now() + dt.timedelta(hours=19)
    reminders_scan(now=later)
    reminders_scan(now=later)
    assert Notification.objects.filter(operation=operation, lead="2h").count() == 2
    assert set(Notification.objects.values_list("kind", flat=True)) == {NotificationKind.OPERATION}


def test_an_operation_reminder_reads_in_the_notifications_and_links_to_the_operation(client, coordinator, police):
    operation = notify(police, hours_ahead=3)
    reminders_scan()
    login(client, coordinator)

    listing = Page(client.get("/varsler/")).main.text
    notification = Notification.objects.get(recipient=coordinator)
    detail = client.get(f"/varsler/{notification.pk}/").content.decode()

    assert "Påmindelse om en politiaktion" in listing and "Københavns Politi" in listing
    assert f'href="/politiaktioner/{operation.pk}/"' in detail


def test_cmm_records_an_outreach_tally_and_lists_the_totals(client, cmm_worker):
    login(client, cmm_worker)
    today = timezone.localdate()

    saved = client.post(
        "/opsoegende-arbejde/ny/",
        {
            "date": today.isoformat(),
            "district": "kobenhavn",
            "place_kind": "street",
            "contacts": "14",
            "languages": ["thai"],
        },
    )
    future = client.post(
        "/opsoegende-arbejde/ny/",
        {
            "date": (today + dt.timedelta(days=1)).isoformat(),
            "district": "fyn",
            "place_kind": "street",
            "contacts": "3",
        },
    )

    assert saved.status_code == 302 and future.status_code == 400
    tally = OutreachTally.objects.get()
    assert (tally.contacts, tally.languages, tally.recorded_by) == (14, ["thai"], cmm_worker)
    page = Page(client.get("/opsoegende-arbejde/"))
    assert "Kontakter i alt: 14." in page.main.find(**{"data-testid": "tally-totals"}).text


@pytest.mark.parametrize("role", [Role.POLICE_LIAISON, Role.NGO_WORKER, Role.DIS_COORDINATOR])
def test_tallies_are_cmms(client, role):
    login(client, UserFactory(role=role))

    assert client.get("/opsoegende-arbejde/").status_code == 403
    assert client.get("/opsoegende-arbejde/ny/").status_code == 403
