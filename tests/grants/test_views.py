"""The sharing, hand-over and break-the-glass pages, server-side."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.models import Case
from grants import services
from grants.models import EmergencyAccess, Handover, Share
from tests.factories import UserFactory, login, make_case

pytestmark = pytest.mark.django_db


def test_sharing_through_the_form_and_withdrawing_from_the_case_page(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    today = timezone.localdate()
    login(client, cmm_worker)

    created = client.post(
        f"/sager/{case.number}/deling/",
        {
            "version": case.version,
            "team": reden.pk,
            "scope": Share.Scope.SUPPORT,
            "consent_given_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    share = Share.objects.get(case=case)
    page = client.get(f"/sager/{case.number}/").content.decode()
    url = f"/sager/{case.number}/deling/{share.pk}/tilbagekald/"
    asked = client.get(url)
    unconfirmed = client.post(url)
    still_shared = Share.objects.get(pk=share.pk).withdrawn_at is None
    withdrawn = client.post(url, {"confirmed": "yes"})

    assert created.status_code == 302
    assert "Reden" in page and url in page
    assert asked.status_code == 200 and "Ja, stop delingen med Reden" in asked.content.decode()
    # Without the "Ja" nothing is stopped: the question is asked again.
    assert unconfirmed.status_code == 200 and still_shared
    assert withdrawn.status_code == 302
    assert Share.objects.get(pk=share.pk).withdrawn_at is not None


def test_a_share_form_with_expiry_before_consent_keeps_the_input(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    login(client, cmm_worker)

    response = client.post(
        f"/sager/{case.number}/deling/",
        {
            "version": case.version,
            "team": reden.pk,
            "scope": Share.Scope.SUPPORT,
            "consent_given_on": "2026-11-01",
            "expires_on": "2026-10-01",
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="2026-10-01"' in body and "form-error-message" in body
    assert not Share.objects.exists()


def test_the_receiving_agency_decides_a_hand_over_through_the_page(client, cmm_worker, dis_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    services.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Afslag på ophold")
    case.refresh_from_db()
    login(client, dis_worker)

    page = client.get(f"/sager/{case.number}/overdragelse/afgoer/").content.decode()
    refused = client.post(f"/sager/{case.number}/overdragelse/afgoer/", {"version": case.version, "accept": "no"})
    accepted = client.post(f"/sager/{case.number}/overdragelse/afgoer/", {"version": case.version, "accept": "yes"})

    assert "Afslag på ophold" in page and str(cmm_worker) in page
    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert Case.objects.get(pk=case.pk).competent_authority == Agency.DIS
    assert Handover.objects.get(case=case).status == Handover.Status.ACCEPTED


def test_the_auditor_reviews_break_the_glass_alerts_and_the_review_is_audited(client, coordinator, dis_worker):
    case = make_case(dis_worker)
    services.emergency_access_open(number=case.number, actor=coordinator, reason="Akut fare for personen, nu.")
    auditor = UserFactory(agency="", role=Role.DP_AUDITOR, team=None)
    login(client, auditor)

    queue = client.get("/noedadgang/gennemgang/")
    emergency = EmergencyAccess.objects.get(case=case)
    reviewed = client.post("/noedadgang/gennemgang/", {"emergency": emergency.pk})

    assert queue.status_code == 200 and case.number in queue.content.decode()
    assert AuditEvent.objects.filter(
        actor=auditor, what="emergency_review", purpose=AuditEvent.Purpose.AUDIT, case_ids=[case.pk]
    ).exists()
    assert reviewed.status_code == 302
    assert EmergencyAccess.objects.get(pk=emergency.pk).reviewed_by == auditor


@pytest.mark.parametrize("role", [Role.CMM_COORDINATOR, Role.CMM_CONTACT_PERSON, Role.SYSTEM_ADMIN])
def test_only_the_auditor_sees_the_alert_queue(client, role):
    login(client, UserFactory(role=role))

    assert client.get("/noedadgang/gennemgang/").status_code == 403
