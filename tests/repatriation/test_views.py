"""The browser side: the case page's section and buttons within its query budget, the forms with every problem
beside its field, the reports page and the download, refused to whom the policy refuses."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from cases import lifecycle
from cases.models import Case
from grants import services as grants
from repatriation import services
from repatriation.attachments import MAX_BYTES
from repatriation.models import FollowUpAttachment, FollowUpReport
from tests.cases.test_query_counts import CASE_READ_MAX_QUERIES
from tests.factories import login
from tests.states import shared

from .helpers import (
    EXE,
    accepted_case,
    answered,
    days_ago,
    dis_period_case,
    fresh,
    jpeg_with_gps,
    offered,
    pdf,
    png,
    returned,
    shared_for_repatriation,
)

pytestmark = pytest.mark.django_db


def page(client, case):
    response = client.get(f"/sager/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def add_items(case, actor, count):
    for _ in range(count):
        case = fresh(case)
        services.reintegration_support_add(
            case=case,
            actor=actor,
            expected_version=case.version,
            kind="housing",
            amount=Decimal("1200.50"),
            currency="EUR",
            paid_to_family_member=True,
            family_member_reason="Moren modtager huslejen.",
            note="Første måned",
        )


def report(case, actor, files=()):
    case = fresh(case)
    return services.follow_up_report_add(
        case=case,
        actor=actor,
        expected_version=case.version,
        written_on=days_ago(0),
        text="Personen har fået bolig og går i skole.",
        attachments=list(files),
    )


def test_the_case_page_shows_the_repatriation_without_more_queries(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker, days_ago(60))
    add_items(case, dis_worker, 1)
    with CaptureQueriesContext(connection) as few:
        body = page(client, case)
    assert len(few) <= CASE_READ_MAX_QUERIES

    add_items(case, dis_worker, 4)
    for _ in range(3):
        report(case, dis_worker, [("a", png())])
    with CaptureQueriesContext(connection) as more:
        body = page(client, case)

    assert len(more) == len(few)
    assert body.count("Moren modtager huslejen.") == 5 and ("1.200,50 EUR" in body or "1200,50 EUR" in body)
    assert 'data-testid="reintegration-end"' in body and 'data-testid="follow-up-end"' in body
    assert "3 opfølgningsrapporter" in body
    assert body.count('data-testid="timeline-attachment"') == 3


def test_the_case_page_shows_both_end_dates(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker, dt.date(2026, 8, 31))
    body = page(client, case)
    assert "28. februar 2027" in body or "28.02.2027" in body or "28.2.2027" in body
    assert "31. august 2027" in body or "31.08.2027" in body or "31.8.2027" in body


def test_the_stage_indicator_follows_the_repatriation(client, cmm_worker, dis_worker):
    """Accepted: the exit is under way; returned: reintegration; and no exit is shown before the case closes."""
    login(client, dis_worker)
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker)
    assert 'data-stage="exit"' not in page(client, case)

    case = answered(case, dis_worker)
    assert 'data-stage="exit"' in page(client, case)

    body = page(client, returned(case, dis_worker))
    assert 'data-stage="reintegration"' in body
    assert 'data-testid="case-exit"' not in body


def test_a_returned_case_is_not_shown_as_closed_until_it_is(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker, days_ago(60))
    assert fresh(case).exit_on == days_ago(60)  # the return is the exit's date, but the case is still open
    assert 'data-testid="case-exit"' not in page(client, case)

    case = fresh(case)
    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_reason=Case.ExitReason.PREPARED_REPATRIATION,
        exit_on=days_ago(0),
        exit_note="Flyttet til et andet land.",
    )
    assert re.search(r'data-testid="case-exit">Forberedt hjemrejse, [^<]+<br>Flyttet', page(client, case))


def test_the_buttons_follow_the_stage(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)
    body = page(client, case)
    assert "/hjemrejse/tilbud/" in body and "/dublin/" in body and "/hjemrejse/svar/" not in body

    case = accepted_case(cmm_worker, dis_worker)
    body = page(client, case)
    assert "/hjemrejse/plan/" in body and "/hjemrejse/hjemkomst/" in body and "/hjemrejse/tilbud/" not in body


def test_the_stage_is_the_exit_once_the_offer_is_accepted_and_only_to_those_who_see_the_answer(
    client, cmm_worker, dis_worker, reden, ngo_worker
):
    case = dis_period_case(cmm_worker, dis_worker)  # its period ended long ago: the support stage
    login(client, dis_worker)
    assert 'data-stage="support"' in page(client, offered(case, dis_worker))

    case = answered(case, dis_worker)
    assert 'data-stage="exit"' in page(client, case)
    # An NGO that supports the person does not read the repatriation's answer, nor learn it from the stage.
    shared(case, reden)
    login(client, ngo_worker)
    assert 'data-stage="support"' in page(client, case)

    login(client, dis_worker)
    declined = answered(offered(dis_period_case(cmm_worker, dis_worker), dis_worker), dis_worker, answer="declined")
    assert 'data-stage="support"' in page(client, declined)
    assert 'data-stage="reintegration"' in page(client, returned(case, dis_worker, days_ago(0)))


def test_a_dublin_case_page_says_why_there_is_no_offer(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)
    services.dublin_record(case=case, actor=dis_worker, expected_version=case.version)

    body = page(client, fresh(case))

    assert "/hjemrejse/tilbud/" not in body
    assert "tilbydes ikke forberedt hjemrejse" in body
    assert client.get(f"/sager/{case.number}/hjemrejse/tilbud/").status_code == 403


def test_the_offer_then_answer_forms(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)
    response = client.post(
        f"/sager/{case.number}/hjemrejse/tilbud/", {"version": case.version, "offered_on": days_ago(3).isoformat()}
    )
    assert response.status_code == 302
    case = fresh(case)
    response = client.post(
        f"/sager/{case.number}/hjemrejse/svar/",
        {"version": case.version, "answer": "accepted", "answered_on": days_ago(4).isoformat(), "reasons": "Ja tak"},
    )
    assert response.status_code == 400
    assert "Svaret kan ikke ligge før tilbuddet" in response.content.decode()
    assert fresh(case).repatriation.answer == "pending"


def test_the_support_form_shows_every_problem_at_once_beside_its_field(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = accepted_case(cmm_worker, dis_worker)
    response = client.post(
        f"/sager/{case.number}/hjemrejse/stoette/",
        {"version": case.version, "kind": "food", "amount": "0", "currency": "xyz", "paid_to_family_member": "on"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    for field in ("amount", "currency", "family_member_reason"):
        assert f'id="id_{field}_error"' in body
    assert "Angiv hvorfor støtten udbetales til et familiemedlem" in body


@pytest.mark.parametrize("typed", ["1500,5", "1500.5"])
def test_the_support_amount_takes_a_decimal_comma_and_the_message_writes_it_as_the_case_page_does(
    client, cmm_worker, dis_worker, typed
):
    login(client, dis_worker)
    case = accepted_case(cmm_worker, dis_worker)
    data = {"version": case.version, "kind": "housing", "amount": typed, "currency": "eur"}

    body = client.post(f"/sager/{case.number}/hjemrejse/stoette/", data, follow=True).content.decode()

    assert "Støtten er registreret: Bolig, 1500,50 EUR." in body
    assert "<strong>Bolig</strong>: 1500,50 EUR" in body
    assert fresh(case).repatriation.support_items.get().amount == Decimal("1500.50")


def upload(case, client, *files, text="Alt går godt."):
    return client.post(
        f"/sager/{case.number}/opfoelgning/ny/",
        {
            "version": fresh(case).version,
            "written_on": days_ago(0).isoformat(),
            "text": text,
            "attachments": [SimpleUploadedFile(name, content) for name, content in files],
        },
    )


@pytest.fixture
def shared_returned(cmm_worker, dis_worker, iom):
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker, days_ago(60))
    share = shared_for_repatriation(case, cmm_worker, iom.team)
    return fresh(case), share


def test_the_iom_uploads_a_report_and_a_caseworker_downloads_it_audited(client, shared_returned, iom, dis_worker):
    case, _share = shared_returned
    login(client, iom)
    response = upload(case, client, ("foto.jpg", jpeg_with_gps()), ("brev.pdf", pdf()), ("kort.png", png()))
    assert response.status_code == 302, response.content.decode()[:2000]
    report = FollowUpReport.objects.get(case=case)
    assert list(report.attachments.values_list("number", "kind")) == [(1, "jpeg"), (2, "pdf"), (3, "png")]

    client.logout()
    login(client, dis_worker)
    assert "Alt går godt." in page(client, case)
    attachment = report.attachments.get(number=1)
    response = client.get(f"/sager/{case.number}/opfoelgning/bilag/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="opfoelgning-{days_ago(0):%Y-%m-%d}-1.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"Hemmeligt" not in response.content and b"foto" not in response["Content-Disposition"].encode()
    row = AuditEvent.objects.filter(what="follow_up_attachment").latest("seq")
    assert (row.actor_id, row.detail, row.case_ids) == (dis_worker.pk, {"attachment": attachment.pk}, [case.pk])


def test_a_refused_attachment_keeps_the_text_and_says_why_beside_the_field(client, shared_returned, iom):
    case, _share = shared_returned
    login(client, iom)

    response = upload(case, client, ("rapport.pdf", EXE), ("stort.pdf", pdf() + b"\0" * MAX_BYTES), text="Min tekst")

    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_attachments_error"' in body
    assert "rapport.pdf" in body and "ikke en PDF, JPEG eller PNG" in body
    assert "stort.pdf" in body and "højst fylde 10 MB" in body
    assert "Min tekst" in body
    assert not FollowUpReport.objects.exists()


def test_the_download_is_refused_to_an_ngo_worker_and_to_the_iom_after_withdrawal(
    client, shared_returned, iom, ngo_worker, cmm_worker
):
    case, share = shared_returned
    report(case, iom, [("a", png())])
    attachment = FollowUpAttachment.objects.get()
    url = f"/sager/{case.number}/opfoelgning/bilag/{attachment.pk}/"
    support = grants.share_create(
        case=fresh(case),
        actor=cmm_worker,
        expected_version=fresh(case).version,
        team=ngo_worker.team,
        scope="support",
        consent_given_on=days_ago(0),
        expires_on=days_ago(-30),
    )
    assert support
    login(client, ngo_worker)
    assert client.get(url).status_code == 403
    assert client.get(f"/sager/{case.number}/opfoelgning/").status_code == 403
    assert "Personen har fået bolig" not in page(client, case)

    client.logout()
    login(client, iom)
    assert client.get(url).status_code == 200
    grants.share_withdraw(share=share, actor=cmm_worker)

    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/follow-up-reports/").status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_iom_sees_the_repatriation_but_not_the_persons_reasons_or_the_assessment(client, shared_returned, iom):
    case, _share = shared_returned
    case.assessment.reasons = "Vurderingens-begrundelse"
    case.assessment.save()
    login(client, iom)

    body = page(client, case)

    assert "Vil gerne hjem til familien." not in body  # the person's reasons for the answer
    assert "Vurderingens-begrundelse" not in body
    assert 'data-testid="reintegration-end"' in body and 'data-testid="follow-up-end"' in body
    assert "Hjemrejse registreret" in body  # the repatriation's events are shown
    # Nothing of the referral is the IOM's to read but a minor's "unaccompanied", shown at the top: no empty section.
    assert 'id="section-referral"' not in body


def test_the_referral_section_is_shown_to_a_caseworker_and_to_a_supporting_ngo(
    client, shared_returned, dis_worker, reden, ngo_worker
):
    case, _share = shared_returned
    login(client, dis_worker)
    assert 'id="section-referral"' in page(client, case)
    shared(case, reden)
    login(client, ngo_worker)
    body = page(client, case)
    assert 'id="section-referral"' in body and "Formodede udnyttelsesformer" in body


def test_the_reports_page_lists_the_reports_in_fixed_queries(client, shared_returned, dis_worker):
    case, _share = shared_returned
    login(client, dis_worker)
    report(case, dis_worker, [("a", png())])
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/sager/{case.number}/opfoelgning/").status_code == 200
    for _ in range(3):
        report(case, dis_worker, [("a", png()), ("b", pdf())])
    with CaptureQueriesContext(connection) as more:
        response = client.get(f"/sager/{case.number}/opfoelgning/")
    assert len(more) == len(few)
    assert response.content.decode().count('data-testid="attachment-link"') == 7
