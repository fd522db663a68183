"""The figures counted from the case data, and published: the action plan's year 2017, a small year, differencing
against an earlier report, the CSV, determinism and the number of queries."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from cases.codes import ExploitationForm, Gender, ResidenceStatus
from cases.deadlines import COPENHAGEN, DeadlineKind, LegalSource
from cases.models import Case, Deadline, Person
from identification.models import Assessment, Period
from privacy.services import retention_run
from repatriation.models import Repatriation
from reporting.csv import published_csv
from reporting.disclosure import publish
from reporting.figures import figures_compute
from support.models import SupportService
from tests.factories import make_case
from tests.states import assessed

from .seeding import cases
from .test_disclosure import _bounds

YEAR_2017 = {"start": dt.date(2017, 1, 1), "end": dt.date(2017, 12, 31)}


def _table(report, key):
    return next(table for table in report.tables if table.key == key)


def _raw(figures, key):
    return {row.code: row.count for row in _table(figures, key).rows}


def _shown(report, key):
    return {row.code: str(row.cell) for row in _table(report, key).rows}


def _key_figure(report, code):
    return next(row for row in report.key_figures.rows if row.code == code)


def _case_2017(referrer, assessor, *, form, gender=Gender.FEMININE, nationality="NG", day=1):
    case = make_case(
        referrer,
        person={"gender": gender, "nationalities": [nationality]},
        received_at=dt.datetime(2017, 3, day, 10, tzinfo=COPENHAGEN),
        exploitation_forms=[form],
        residence_status=ResidenceStatus.NO_LEGAL_RESIDENCE,
    )
    return assessed(case, assessor, decided_on=dt.date(2017, 3, day) + dt.timedelta(days=20))


def test_the_action_plans_year_2017_is_reproduced_and_its_small_counts_kept_hidden(cmm_worker, dis_worker):
    """The plan: 98 victims in 2017, 86 in prostitution, 5 in crime, 1 in forced labour, 3 in other forms; 86 women.
    The four forms add up to 95: the other three are seeded in slavery-like conditions, a form the plan leaves out.
    """
    forms = (
        [ExploitationForm.SEXUAL] * 86
        + [ExploitationForm.FORCED_CRIMINALITY] * 5
        + [ExploitationForm.FORCED_LABOUR]
        + [ExploitationForm.OTHER] * 3
        + [ExploitationForm.SLAVERY] * 3
    )
    nationalities = ["NG"] * 40 + ["TH"] * 25 + ["UG"] * 15 + ["RO"] * 10 + ["VN"] * 8
    for number, (form, nationality) in enumerate(zip(forms, nationalities, strict=True)):
        gender = Gender.FEMININE if number < 86 else Gender.MASCULINE
        _case_2017(cmm_worker, dis_worker, form=form, gender=gender, nationality=nationality, day=1 + number % 28)

    figures = figures_compute(**YEAR_2017)
    report = publish(figures)

    assert _key_figure(figures, "identified").count == 98
    assert _raw(figures, "exploitation") == {
        "SexualExploitation": 86,
        "Pornography": 0,
        "ForcedLabour": 1,
        "Servitude": 3,
        "ForcedCriminality": 5,
        "OrganRemoval": 0,
        "Other": 3,
    }
    assert _raw(figures, "sex")["Feminine"] == 86
    assert [row.code for row in _table(figures, "nationality").rows][:3] == ["NG", "TH", "UG"]

    assert str(_key_figure(report, "identified").cell) == "98"
    assert _shown(report, "sex") == {
        "Feminine": "86",
        "Masculine": "12",
        "TransgenderFeminine": "0",
        "TransgenderMasculine": "0",
        "NonConforming": "0",
        "NonSpecifiedUnknown": "0",
    }
    # 1, 3 and 3 are hidden; together 7, so each could be anything from 1 to 5: no row more need be hidden.
    assert _shown(report, "exploitation") == {
        "SexualExploitation": "86",
        "Pornography": "0",
        "ForcedLabour": "<5",
        "Servitude": "<5",
        "ForcedCriminality": "5",
        "OrganRemoval": "0",
        "Other": "<5",
    }
    exploitation = _table(report, "exploitation")
    assert str(exploitation.total) == "98" and exploitation.multiple
    assert {code: high for code, (_low, high) in _bounds(exploitation).items()} == {
        "ForcedLabour": 5,
        "Servitude": 5,
        "Other": 5,
    }
    assert [row.cell.primary for row in exploitation.rows if row.cell.suppressed] == [True, True, True]
    assert {row.code: str(row.cell) for row in report.per_year.rows}["2017"] == "98"
    assert str(report.measures[0].based_on) == "98" and report.measures[0].value == 20.0
    assert report.notes[0].startswith("Tal under 5 vises som <5")


def test_a_small_year_hides_its_small_counts_and_the_counts_that_would_give_them_away(cmm_worker):
    day = dt.date(2019, 5, 1)
    cases(cmm_worker, 5, decided_on=day, gender=Gender.FEMININE, age_band="24-26")
    cases(cmm_worker, 1, decided_on=day, gender=Gender.FEMININE, age_band="9-17")
    cases(cmm_worker, 2, decided_on=day, gender=Gender.MASCULINE, age_band="0-8")
    cases(cmm_worker, 1, decided_on=day, gender=Gender.UNKNOWN, age_band="9-17")
    cases(cmm_worker, 3, decided_on=day, decision=Assessment.Decision.NOT_VICTIM)

    report = publish(figures_compute(start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31)))

    sex = _table(report, "sex")
    # 2 and 1 are under 5; hidden together they are 3, so each could only be 1 or 2: the 6 women are hidden too.
    assert _shown(report, "sex") == {
        "Feminine": "<5",
        "Masculine": "<5",
        "TransgenderFeminine": "0",
        "TransgenderMasculine": "0",
        "NonConforming": "0",
        "NonSpecifiedUnknown": "<5",
    }
    assert [(row.code, row.cell.primary) for row in sex.rows if row.cell.suppressed] == [
        ("Feminine", False),
        ("Masculine", True),
        ("NonSpecifiedUnknown", True),
    ]
    assert str(sex.total) == "9"
    # 4 minors: hidden, and the 5 adults with them, or 9 - 5 would give them away; the key figure too.
    assert _shown(report, "age_group") == {"Minor": "<5", "Adult": "<5", "Unknown": "0"}
    assert str(_key_figure(report, "age_group.Minor").cell) == "<5"
    assert _shown(report, "exploitation")["SexualExploitation"] == "9"
    # Three "not a victim" decisions: the table is hidden whole, zeros too, and its key figure.
    not_victim = _table(report, "not_victim")
    assert {str(row.cell) for row in not_victim.rows} == {"<5"} and str(not_victim.total) == "<5"
    assert str(_key_figure(report, "not_victim").cell) == "<5"
    # 0 is shown where the total is.
    assert str(_key_figure(report, "periods").cell) == "0"
    assert report.measures[1].value is None  # no detained persons


def test_a_report_overlapping_an_earlier_one_hides_what_the_difference_would_tell(cmm_worker):
    cases(cmm_worker, 20, decided_on=dt.date(2017, 6, 1))
    cases(cmm_worker, 10, decided_on=dt.date(2017, 6, 1), gender=Gender.MASCULINE)
    cases(cmm_worker, 3, decided_on=dt.date(2018, 1, 3), gender=Gender.MASCULINE)
    longer = figures_compute(start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 7))

    alone = publish(longer)
    after_2017 = publish(longer, earlier=[(dt.date(2017, 1, 1), dt.date(2017, 12, 31))])

    # Alone it shows 33 victims, 13 men; beside the report for 2017 (30, 10 men) that would tell of 3 more men.
    assert str(_key_figure(alone, "identified").cell) == "33"
    assert _shown(alone, "sex")["Masculine"] == "13"
    assert str(_key_figure(after_2017, "identified").cell) == "<5"
    assert {str(row.cell) for row in _table(after_2017, "sex").rows} == {"<5"}
    assert str(after_2017.measures[0].based_on) == "<5" and after_2017.measures[0].value is None
    assert any("overlappende" in note for note in after_2017.notes)
    # A report for days that do not overlap changes nothing.
    assert publish(longer, earlier=[(dt.date(2016, 1, 1), dt.date(2016, 12, 31))]) == alone


def test_the_same_figures_give_the_same_report(cmm_worker):
    cases(cmm_worker, 12, decided_on=dt.date(2017, 6, 1), nationalities=("NG", "GH"))
    cases(cmm_worker, 3, decided_on=dt.date(2017, 7, 1), nationalities=("TH",))
    cases(cmm_worker, 3, decided_on=dt.date(2017, 7, 1), nationalities=("UG",))
    first = publish(figures_compute(**YEAR_2017), earlier=[(dt.date(2017, 1, 1), dt.date(2017, 6, 30))])
    second = publish(figures_compute(**YEAR_2017), earlier=[(dt.date(2017, 1, 1), dt.date(2017, 6, 30))])
    assert first == second


def test_the_csv_has_the_code_lists_codes_and_no_small_count(cmm_worker):
    cases(cmm_worker, 9, decided_on=dt.date(2017, 6, 1), nationalities=("NG",))
    cases(cmm_worker, 2, decided_on=dt.date(2017, 6, 1), gender=Gender.MASCULINE, forms=[ExploitationForm.OTHER])
    report = publish(figures_compute(**YEAR_2017))

    rows = list(csv.DictReader(io.StringIO(published_csv(report))))

    by_cell = {(row["table"], row["code"]): row for row in rows}
    assert by_cell[("sex", "Feminine")]["count"] == "<5"  # 9, hidden beside the 2 men
    assert by_cell[("sex", "Masculine")]["count"] == "<5"
    assert by_cell[("sex", "TOTAL")]["count"] == "11"
    assert by_cell[("exploitation", "SexualExploitation")]["label"] == "Prostitution / seksuel udnyttelse"
    assert by_cell[("nationality", "NG")]["count"] == "11"
    assert by_cell[("age_group", "Adult")]["count"] == "11"
    assert by_cell[("per_year", "2017")]["count"] == "11"
    assert by_cell[("measures", "decision_days")]["value"] == "10"
    counts = {row["count"] for row in rows} - {"", "<5"}
    assert all(int(count) == 0 or int(count) >= 5 for count in counts)
    with pytest.raises(TypeError):
        published_csv(figures_compute(**YEAR_2017))


@pytest.mark.parametrize("victims", [5, 30])
def test_the_figures_take_the_same_few_queries_however_many_cases(cmm_worker, victims, django_assert_num_queries):
    cases(cmm_worker, victims, decided_on=dt.date(2017, 6, 1), nationalities=("NG", "RO"))
    with django_assert_num_queries(6):
        figures_compute(**YEAR_2017)


def test_cases_written_in_bulk_count_as_cases_made_by_the_services(cmm_worker, dis_worker):
    """tests/reporting/seeding.py writes what the services write, as far as the figures read it: a case made by
    the services in 2017 and one written in bulk a year later give the same tables."""
    _case_2017(cmm_worker, dis_worker, form=ExploitationForm.SEXUAL, day=1)
    cases(cmm_worker, 1, decided_on=dt.date(2018, 3, 21), received_days_before=20, age_band="")
    by_services = figures_compute(**YEAR_2017)
    in_bulk = figures_compute(start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31))
    assert in_bulk.tables == by_services.tables
    assert in_bulk.measures == by_services.measures
    assert in_bulk.key_figures == by_services.key_figures


def test_anonymised_persons_are_still_counted(cmm_worker, settings):
    made = cases(cmm_worker, 6, decided_on=dt.date(2017, 6, 1), gender=Gender.MASCULINE, age_band="9-17")
    closed_at = dt.datetime(2018, 1, 1, tzinfo=dt.UTC)
    Case.objects.filter(pk__in=[case.pk for case in made]).update(
        status=Case.Status.CLOSED, exit_reason=Case.ExitReason.OTHER, closed_at=closed_at
    )
    before = figures_compute(**YEAR_2017)
    retention_run(dry_run=False, now=closed_at + dt.timedelta(days=366 * (settings.RETENTION_YEARS + 1)))
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 6
    after = figures_compute(**YEAR_2017)
    assert after == before
    assert _raw(after, "sex")["Masculine"] == 6 and _raw(after, "age_group")["Minor"] == 6


def test_periods_support_repatriation_returns_and_closings_are_counted(cmm_worker):
    day = dt.date(2017, 6, 1)
    victims = cases(cmm_worker, 8, decided_on=day)
    negative = cases(cmm_worker, 3, decided_on=day, decision=Assessment.Decision.NOT_VICTIM)
    decided_at = dt.datetime(2017, 6, 1, 14, tzinfo=COPENHAGEN)
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=DeadlineKind.NOT_VICTIM_NOTIFICATION,
            legal_source=LegalSource.ACTION_PLAN_NOTIFY,
            due_at=decided_at + dt.timedelta(hours=24),
            status=status,
            closed_at=closed,
        )
        for case, status, closed in zip(
            negative,
            [Deadline.Status.MET, Deadline.Status.MISSED, Deadline.Status.MISSED],
            [decided_at, decided_at + dt.timedelta(days=2), None],
            strict=True,
        )
    )
    # Four detained: three decided on within 72 hours.
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=DeadlineKind.IDENTIFICATION,
            legal_source=LegalSource.ACTION_PLAN_72H,
            due_at=decided_at,
            status=Deadline.Status.MET if number < 3 else Deadline.Status.MISSED,
            closed_at=decided_at,
        )
        for number, case in enumerate(victims[:4])
    )
    Period.objects.bulk_create(
        Period(case=case, kind=Period.Kind.REFLECTION, starts_on=day, days_total=days, granted_by=cmm_worker)
        for case, days in zip(victims[:5], [30, 30, 45, 120, 90], strict=True)
    )
    Period.objects.create(
        case=victims[5], kind=Period.Kind.RECOVERY, starts_on=dt.date(2018, 1, 1), days_total=30, granted_by=cmm_worker
    )
    SupportService.objects.bulk_create(
        SupportService(
            case=case,
            type=kind,
            provider="Krisecenter",
            starts_on=dt.date(2016, 12, 1),
            ends_on=ends_on,
            status=status,
            recorded_by=cmm_worker,
        )
        for case, kind, status, ends_on in [
            (victims[0], SupportService.Type.SHELTER, SupportService.Status.ACCEPTED, None),
            (victims[0], SupportService.Type.MEDICAL, SupportService.Status.ENDED, dt.date(2017, 2, 1)),
            (victims[1], SupportService.Type.SHELTER, SupportService.Status.ENDED, dt.date(2016, 12, 31)),
            (victims[2], SupportService.Type.LEGAL, SupportService.Status.OFFERED, None),
        ]
    )
    Repatriation.objects.bulk_create(
        Repatriation(
            case=case,
            offered_on=offered_on,
            offered_by=cmm_worker,
            answer=answer,
            answered_on=None if answer == Repatriation.Answer.PENDING else offered_on + dt.timedelta(days=4),
            returned_on=returned_on,
        )
        for case, offered_on, answer, returned_on in [
            (victims[0], dt.date(2016, 12, 1), Repatriation.Answer.ACCEPTED, dt.date(2017, 1, 1)),
            (victims[1], dt.date(2017, 7, 1), Repatriation.Answer.ACCEPTED, dt.date(2017, 8, 1)),
            (victims[2], dt.date(2017, 7, 1), Repatriation.Answer.DECLINED, None),
            (victims[3], dt.date(2017, 7, 1), Repatriation.Answer.PENDING, None),
        ]
    )
    Case.objects.filter(pk__in=[victims[6].pk, victims[7].pk]).update(
        status=Case.Status.CLOSED,
        exit_reason=Case.ExitReason.SIMPLE_RETURN,
        closed_at=dt.datetime(2017, 9, 1, tzinfo=COPENHAGEN),
    )

    figures = figures_compute(**YEAR_2017)

    assert _raw(figures, "not_victim") == {"in_time": 1, "late": 1, "not_yet": 1, "not_recorded": 0}
    assert _table(figures, "not_victim").total == 3
    assert _raw(figures, "period_kind") == {"reflection": 5, "recovery": 0}
    assert _raw(figures, "period_length") == {"1-30": 2, "31-60": 1, "61-90": 1, "91-120": 1}
    assert {code: n for code, n in _raw(figures, "support").items() if n} == {"shelter": 1, "medical": 1}
    assert _table(figures, "support").total == 1
    assert _raw(figures, "repatriation") == {"pending": 1, "accepted": 1, "declined": 1}
    assert _raw(figures, "repatriation_outcome") == {
        "returned": 2,
        "reintegration_completed": 1,
        "follow_up_completed": 0,
    }
    assert {code: n for code, n in _raw(figures, "exit").items() if n} == {"simple_return": 2}
    within_72h = figures.measures[1]
    assert (within_72h.value, within_72h.based_on) == (75.0, 4)


def test_reports_and_hotline_calls_are_counted_on_their_day_and_stay_counted_once_deleted(coordinator):
    from intake import services as intake

    fields = {
        "what_seen": "Set noget",
        "municipality": "",
        "place_kind": "",
        "seen_when": "",
        "exploitation_forms": [],
        "reporter_role": "private",
    }
    today = timezone.localdate()
    for _ in range(6):
        intake.report_submit(data=fields)
    intake.hotline_call_log(actor=coordinator, data={**fields, "language": "da", "follow_up": ""})
    year = {"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}

    def received():
        table = next(t for t in figures_compute(**year).tables if t.key == "received")
        return {row.code: row.count for row in table.rows}, table.total

    assert received() == ({"web": 6, "hotline": 1}, 7)
    assert intake.reports_expire(now=timezone.now() + dt.timedelta(days=365)) == 7
    assert received() == ({"web": 6, "hotline": 1}, 7)  # the reports are gone, their counts are not
    published = {t.key: t for t in publish(figures_compute(**year)).tables}["received"]
    # The one hotline call is under 5, and the 6 web reports would give it away next to the total of 7.
    assert [str(row.cell) for row in published.rows] == ["<5", "<5"]
    assert str(published.total) == "7"
