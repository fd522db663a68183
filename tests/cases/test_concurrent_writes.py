"""Many writers of one case at once: one wins, the others are told the case changed; nothing breaks (CC-02)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from audit.models import AuditEvent
from cases.models import Case, CaseEvent
from identification.models import PeriodExtension
from tests.factories import login
from tests.states import period_case

WRITERS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_extensions_of_one_case_let_exactly_one_through(cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    clients = [login(Client(), dis_worker) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def extend(client):
        try:
            start.wait()
            response = client.post(
                f"/api/v1/cases/{case.number}/period/extensions/",
                {
                    "version": case.version,
                    "days": 5,
                    "exceptional_circumstances": "Indlagt",
                    "cooperates_on_repatriation": True,
                },
                content_type="application/json",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=extend, args=[client]) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * (WRITERS - 1)
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == case.version + 1
    assert PeriodExtension.objects.filter(period__case=case).count() == 1
    assert stored.period.days_total == 35
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.PERIOD_EXTENDED).count() == 1
    assert AuditEvent.objects.filter(what="period_extend", case_ids=[case.pk]).count() == 1
