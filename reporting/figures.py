"""The working group's figures, counted by aggregate queries in PostgreSQL: never a case loaded into Python.

Each population (the persons a set of tables counts) is one statement: a CTE picks each person's counting case
(DISTINCT ON the person, the earliest event of the kind in the period, ties by case id), and UNION ALL of GROUP
BYs counts its breakdowns. The queries are fixed texts with the period as parameters, so their number does not
grow with the data. The counting rules are written once, in RULES, beside the queries that follow them, and are
printed on the report's notes page. The figures here are raw: only reporting.disclosure.publish turns them into
what a report may show.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import COMPETENT_AUTHORITIES
from cases.codes import AgeBand, ExploitationForm, Gender, ReferralChannel, ReferralSource, ResidenceStatus
from cases.deadlines import COPENHAGEN, DeadlineKind
from cases.models import Case, Deadline, Person, Referral, country_name
from identification.models import Assessment, Period
from intake.models import ReceivedCount, Report
from repatriation.models import Repatriation
from support.models import SupportService

from .tables import Figures, Measure, Row, Table

YEARS = 10  # the per-year table: the ten calendar years up to the period's end
NATIONALITIES_NAMED = 10  # the nationality table names the ten most frequent, then "the rest"
MINOR_BANDS = (AgeBand.UNDER_9, AgeBand.FROM_9)  # CTDC's bands under 18

# The codes of rows that are not a code list's own (CTDC: majorityStatus; CLDR's "ZZ", unknown region).
MINOR, ADULT, AGE_UNKNOWN = "Minor", "Adult", "Unknown"
OTHER_COUNTRIES, COUNTRY_UNKNOWN = "OTHER", "ZZ"

RULES = (
    gettext_lazy(
        "Et offer tælles i perioden for den positive afgørelse: en vurdering som offer med afgørelsesdato i perioden."
    ),
    gettext_lazy(
        "En person tælles én gang pr. tabel, også med flere sager. Personens oplysninger i tabellerne over ofre "
        "(køn, alder, udnyttelsesform, opholdsgrundlag, vurderende myndighed) er fra sagen med personens første "
        "positive afgørelse i perioden."
    ),
    gettext_lazy(
        "Udnyttelsesformer tælles pr. person: en person med flere former tælles under hver af dem, så rækkerne kan "
        "give mere end det samlede antal. Det samme gælder statsborgerskab for personer med flere statsborgerskaber."
    ),
    gettext_lazy(
        "Mindreårige er personer under 18 år den dag, henvisningen blev modtaget (efter fødselsdatoen eller den "
        "anslåede alder). Alderen gemmes som aldersgruppe, så anonymiserede personer stadig tælles."
    ),
    gettext_lazy(
        "Anonymiserede personer tælles med: køn, statsborgerskab, aldersgruppe, udnyttelsesformer, afgørelser og "
        "datoer bevares, når navne og andre identificerende oplysninger slettes."
    ),
    gettext_lazy(
        "Ofre pr. år: personer med en positiv afgørelse i året, til og med periodens sidste dag. En person, der "
        "vurderes som offer i to forskellige år, tælles i begge år, men én gang i det samlede tal."
    ),
    gettext_lazy(
        "Henvisninger: personer med en henvisning modtaget i perioden, efter den første henvisning i perioden."
    ),
    gettext_lazy(
        "Tid fra henvisning til afgørelse: medianen af dagene fra henvisningen blev modtaget til den positive "
        "afgørelse, for ofrene i perioden."
    ),
    gettext_lazy(
        "Identifikation inden for 72 timer: andelen af frihedsberøvede personer med en afgørelse i perioden, hvor "
        "afgørelsen blev truffet inden for 72 timer efter frihedsberøvelsen."
    ),
    gettext_lazy(
        "“Ikke offer”: personer med en afgørelse om ikke at være offer i perioden, og om politi og "
        "Udlændingestyrelsen blev underrettet inden for 24 timer."
    ),
    gettext_lazy(
        "Refleksions- og restitutionsperioder tælles i perioden, de begynder; længden er perioden i alt i dag, med "
        "forlængelser."
    ),
    gettext_lazy(
        "Støtte: personer, der fik en støtte (accepteret eller afsluttet, ikke kun tilbudt), som løb i perioden."
    ),
    gettext_lazy(
        "Forberedt hjemrejse: personer, der fik tilbuddet i perioden, efter svaret i dag. Hjemrejser tælles på "
        "hjemrejsedagen; reintegrationsstøtten er gennemført, når dens seks måneder sluttede i perioden; "
        "opfølgningen, når sagen blev afsluttet efter opfølgningens sidste dag."
    ),
    gettext_lazy("Afslutninger: personer, hvis sag blev afsluttet i perioden, efter afslutningsårsagen."),
    gettext_lazy(
        "Anonyme indberetninger og hotlineopkald tælles den dag, de blev modtaget, også dem, der siden er slettet "
        "efter opbevaringsperioden: antallet gemmes for sig, uden indhold. Det er henvendelser, ikke personer."
    ),
)


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as times: from midnight in Copenhagen at its start to midnight after its last day."""
    first = dt.datetime.combine(start, dt.time(0), tzinfo=COPENHAGEN)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=COPENHAGEN)
    return first, after


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counts(rows: list[tuple]) -> dict[str, dict[str, float]]:
    """(dimension, code, value) rows as {dimension: {code: value}}."""
    found: dict[str, dict[str, float]] = {}
    for dimension, code, value in rows:
        found.setdefault(dimension, {})[code or ""] = value
    return found


T = {
    "case": Case._meta.db_table,
    "person": Person._meta.db_table,
    "referral": Referral._meta.db_table,
    "assessment": Assessment._meta.db_table,
    "period": Period._meta.db_table,
    "deadline": Deadline._meta.db_table,
    "support": SupportService._meta.db_table,
    "repatriation": Repatriation._meta.db_table,
    "received": ReceivedCount._meta.db_table,
}

# Victims identified in the period: each person once, by the case of their first positive decision in it.
_IDENTIFIED_SQL = """
WITH counted AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, a.case_id, a.decided_on, a.assessing_authority
    FROM {assessment} a JOIN {case} c ON c.id = a.case_id
    WHERE a.decision = 'victim' AND a.decided_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.person_id, a.decided_on, a.case_id
), facts AS (
    SELECT k.person_id, k.assessing_authority, p.gender, p.nationalities, r.age_band,
           r.residence_status_at_referral AS residence, r.exploitation_forms,
           k.decided_on - (r.received_at AT TIME ZONE 'Europe/Copenhagen')::date AS days
    FROM counted k JOIN {person} p ON p.id = k.person_id JOIN {referral} r ON r.case_id = k.case_id
), nat AS (
    SELECT person_id, n FROM facts, unnest(nationalities) AS n
), nat_count AS (
    SELECT n, count(DISTINCT person_id) AS k FROM nat GROUP BY n
), named AS (
    SELECT n FROM nat_count ORDER BY k DESC, n LIMIT %(named)s
)
SELECT 'total', '', count(*)::float FROM facts
UNION ALL SELECT 'sex', gender, count(*) FROM facts GROUP BY gender
UNION ALL SELECT 'age_group', CASE WHEN age_band = ANY(%(minor)s) THEN 'Minor' WHEN age_band = '' THEN 'Unknown'
                              ELSE 'Adult' END AS band, count(*) FROM facts GROUP BY band
UNION ALL SELECT 'assessing_authority', assessing_authority, count(*) FROM facts GROUP BY assessing_authority
UNION ALL SELECT 'residence_status', residence, count(*) FROM facts GROUP BY residence
UNION ALL SELECT 'exploitation', f, count(DISTINCT person_id) FROM facts, unnest(exploitation_forms) AS f GROUP BY f
UNION ALL SELECT 'nationality', n, k FROM nat_count WHERE n IN (SELECT n FROM named)
UNION ALL SELECT 'nationality_rest', 'OTHER', count(DISTINCT person_id) FROM nat WHERE n NOT IN (SELECT n FROM named)
UNION ALL SELECT 'nationality_rest', 'ZZ', count(*) FROM facts WHERE cardinality(nationalities) = 0
UNION ALL SELECT 'decision_days', '', percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FROM facts
""".format(**T)  # noqa: S608 - table names from the models, values as parameters

# The ten years: persons per calendar year of a positive decision (up to the period's end), and in all.
_PER_YEAR_SQL = """
SELECT y, count(DISTINCT person_id) FROM (
    SELECT extract(year FROM a.decided_on)::int AS y, c.person_id
    FROM {assessment} a JOIN {case} c ON c.id = a.case_id
    WHERE a.decision = 'victim' AND a.decided_on BETWEEN %(first)s AND %(end)s
) s GROUP BY ROLLUP (y)
""".format(**T)  # noqa: S608 - table names from the models, values as parameters

# Persons referred in the period, by their first referral in it.
_REFERRED_SQL = """
WITH counted AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, r.source, r.channel
    FROM {referral} r JOIN {case} c ON c.id = r.case_id
    WHERE r.received_at >= %(from)s AND r.received_at < %(until)s
    ORDER BY c.person_id, r.received_at, r.case_id
)
SELECT 'total', '', count(*) FROM counted
UNION ALL SELECT 'referral_source', source, count(*) FROM counted GROUP BY source
UNION ALL SELECT 'referral_channel', channel, count(*) FROM counted GROUP BY channel
""".format(**T)  # noqa: S608 - table names from the models, values as parameters

# "Not a victim" decisions in the period and their notification deadline; detained persons decided on in the
# period and their 72-hour deadline.
_DECISIONS_SQL = """
WITH negative AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, a.case_id
    FROM {assessment} a JOIN {case} c ON c.id = a.case_id
    WHERE a.decision = 'not_victim' AND a.decided_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.person_id, a.decided_on, a.case_id
), notified AS (
    SELECT CASE WHEN d.status = 'met' THEN 'in_time'
                WHEN d.status = 'missed' AND d.closed_at IS NOT NULL THEN 'late'
                WHEN d.status IN ('open', 'missed') THEN 'not_yet'
                ELSE 'not_recorded' END AS outcome
    FROM negative k
    LEFT JOIN {deadline} d ON d.case_id = k.case_id AND d.kind = %(notification)s AND d.status <> 'cancelled'
), detained AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, d.status
    FROM {assessment} a JOIN {case} c ON c.id = a.case_id
    JOIN {deadline} d ON d.case_id = a.case_id AND d.kind = %(identification)s AND d.status IN ('met', 'missed')
    WHERE a.decided_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.person_id, a.decided_on, a.case_id
)
SELECT 'not_victim', outcome, count(*) FROM notified GROUP BY outcome
UNION ALL SELECT 'not_victim_total', '', count(*) FROM notified
UNION ALL SELECT 'detained', 'met', count(*) FILTER (WHERE status = 'met') FROM detained
UNION ALL SELECT 'detained', '', count(*) FROM detained
""".format(**T)  # noqa: S608 - table names from the models, values as parameters

# Periods that began in the period, supports that ran in it, offers made in it, returns, ends and closings.
_AFTER_SQL = """
WITH periods AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, p.kind, p.days_total
    FROM {period} p JOIN {case} c ON c.id = p.case_id
    WHERE p.starts_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.person_id, p.starts_on, p.case_id
), given AS (
    SELECT c.person_id, s.type
    FROM {support} s JOIN {case} c ON c.id = s.case_id
    WHERE s.status IN ('accepted', 'ended') AND s.starts_on <= %(end)s AND (s.ends_on IS NULL OR s.ends_on >= %(start)s)
), offers AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, r.answer
    FROM {repatriation} r JOIN {case} c ON c.id = r.case_id
    WHERE r.offered_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.person_id, r.offered_on, r.case_id
), exits AS (
    SELECT DISTINCT ON (c.person_id) c.person_id, c.exit_reason
    FROM {case} c
    WHERE c.status = 'closed' AND c.exit_reason <> 'not_victim'
      AND c.closed_at >= %(from)s AND c.closed_at < %(until)s
    ORDER BY c.person_id, c.closed_at, c.id
)
SELECT 'periods', '', count(*) FROM periods
UNION ALL SELECT 'period_kind', kind, count(*) FROM periods GROUP BY kind
UNION ALL SELECT 'period_length', CASE WHEN days_total <= 30 THEN '1-30' WHEN days_total <= 60 THEN '31-60'
                                       WHEN days_total <= 90 THEN '61-90' ELSE '91-120' END AS band, count(*)
          FROM periods GROUP BY band
UNION ALL SELECT 'supported', '', count(DISTINCT person_id) FROM given
UNION ALL SELECT 'support', type, count(DISTINCT person_id) FROM given GROUP BY type
UNION ALL SELECT 'repatriation', answer, count(*) FROM offers GROUP BY answer
UNION ALL SELECT 'repatriation_total', '', count(*) FROM offers
UNION ALL SELECT 'outcome', 'returned', count(DISTINCT c.person_id)
          FROM {repatriation} r JOIN {case} c ON c.id = r.case_id WHERE r.returned_on BETWEEN %(start)s AND %(end)s
UNION ALL SELECT 'outcome', 'reintegration_completed', count(DISTINCT c.person_id)
          FROM {repatriation} r JOIN {case} c ON c.id = r.case_id
          WHERE (r.returned_on + interval '6 months')::date BETWEEN %(start)s AND %(end)s
            AND (r.returned_on + interval '6 months')::date < %(today)s
UNION ALL SELECT 'outcome', 'follow_up_completed', count(DISTINCT c.person_id)
          FROM {deadline} d JOIN {case} c ON c.id = d.case_id
          WHERE d.kind = %(follow_up)s AND d.status = 'met' AND d.closed_at >= %(from)s AND d.closed_at < %(until)s
UNION ALL SELECT 'exit', exit_reason, count(*) FROM exits GROUP BY exit_reason
UNION ALL SELECT 'exit_total', '', count(*) FROM exits
""".format(**T)  # noqa: S608 - table names from the models, values as parameters


# Reports and hotline calls received, from the daily counts written with each (they outlast the reports).
_RECEIVED_SQL = """
SELECT 'received', channel, sum(count) FROM {received} WHERE day BETWEEN %(start)s AND %(end)s GROUP BY channel
UNION ALL SELECT 'received_total', '', coalesce(sum(count), 0) FROM {received}
          WHERE day BETWEEN %(start)s AND %(end)s
""".format(**T)  # noqa: S608 - table names from the models, values as parameters


def _table(key, title, counts: dict, codes, *, total, population="", multiple=False, note="", chart=True) -> Table:
    """A table of the given codes in order (a code not counted is 0), with their labels."""
    rows = tuple(Row(code, str(label), int(counts.get(code, 0))) for code, label in codes)
    return Table(
        key=key,
        title=str(title),
        rows=rows,
        total=None if total is None else int(total),
        multiple=multiple,
        note=str(note),
        chart=chart,
        population=population,
    )


def _nationality_codes(counts: dict, rest: dict) -> list[tuple[str, str]]:
    named = sorted(counts, key=lambda code: (-counts[code], code))
    return [
        *((code, country_name(code)) for code in named),
        (OTHER_COUNTRIES, _("Øvrige lande")),
        (COUNTRY_UNKNOWN, _("Ikke oplyst")),
    ]


def _per_year(end: dt.date) -> Table:
    first = dt.date(end.year - YEARS + 1, 1, 1)
    found = dict(_rows(_PER_YEAR_SQL, {"first": first, "end": end}))
    years = range(first.year, end.year + 1)

    def label(year: int) -> str:
        if year == end.year and end != dt.date(year, 12, 31):
            return _("%(year)s (til og med %(day)s)") % {"year": year, "day": f"{end.day}.{end.month}."}
        return str(year)

    return Table(
        key="per_year",
        title=_("Ofre pr. år, %(first)s-%(last)s") % {"first": first.year, "last": end.year},
        rows=tuple(Row(str(year), label(year), int(found.get(year, 0))) for year in years),
        total=int(found.get(None, 0)),
        multiple=True,
        note=_("En person, der vurderes som offer i flere år, tælles i hvert af dem, men én gang i alt."),
        population="identified",
    )


def per_year_region(figures_end: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """The days a per-year row counts: its calendar year, up to the period's end (reporting.disclosure)."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), figures_end)


def per_year_first(figures_end: dt.date) -> dt.date:
    return dt.date(figures_end.year - YEARS + 1, 1, 1)


def figures_compute(*, start: dt.date, end: dt.date, language: str = "da") -> Figures:
    """The working group's figures for the period `start`..`end` (both days included), labelled in `language`."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    first, after = _day_bounds(start, end)
    params = {
        "start": start,
        "end": end,
        "from": first,
        "until": after,
        "today": timezone.localdate(),
        "named": NATIONALITIES_NAMED,
        "minor": list(MINOR_BANDS),
        "notification": DeadlineKind.NOT_VICTIM_NOTIFICATION,
        "identification": DeadlineKind.IDENTIFICATION,
        "follow_up": DeadlineKind.FOLLOW_UP_END,
    }
    identified = _counts(_rows(_IDENTIFIED_SQL, params))
    referred = _counts(_rows(_REFERRED_SQL, params))
    decisions = _counts(_rows(_DECISIONS_SQL, params))
    after_rows = _counts(_rows(_AFTER_SQL, params))
    after_rows.update(_counts(_rows(_RECEIVED_SQL, params)))
    with translation.override(language):
        return _figures(start, end, language, identified, referred, decisions, after_rows)


def _figures(start, end, language, identified, referred, decisions, after) -> Figures:
    victims = int(identified["total"][""])
    people = {"total": victims, "population": "identified"}
    nationality = identified.get("nationality", {})
    rest = identified.get("nationality_rest", {})
    tables = (
        _table("sex", _("Køn"), identified.get("sex", {}), Gender.choices, **people),
        _table(
            "age_group",
            _("Mindreårige og voksne"),
            identified.get("age_group", {}),
            [
                (MINOR, _("Mindreårige (under 18 år)")),
                (ADULT, _("Voksne (18 år og derover)")),
                (AGE_UNKNOWN, _("Alder ikke oplyst")),
            ],
            **people,
        ),
        _table(
            "exploitation",
            _("Udnyttelsesform"),
            identified.get("exploitation", {}),
            ExploitationForm.choices,
            multiple=True,
            note=_("En person med flere udnyttelsesformer tælles under hver af dem."),
            **people,
        ),
        _table(
            "nationality",
            _("Statsborgerskab"),
            {**nationality, **rest},
            _nationality_codes(nationality, rest),
            multiple=True,
            note=_(
                "De %(named)s hyppigste statsborgerskaber og resten samlet. En person med flere statsborgerskaber "
                "tælles under hvert af dem."
            )
            % {"named": NATIONALITIES_NAMED},
            **people,
        ),
        _table(
            "assessing_authority",
            _("Vurderende myndighed"),
            identified.get("assessing_authority", {}),
            COMPETENT_AUTHORITIES,
            **people,
        ),
        _table(
            "residence_status",
            _("Opholdsgrundlag ved henvisning"),
            identified.get("residence_status", {}),
            ResidenceStatus.choices,
            **people,
        ),
        _table(
            "referral_source",
            _("Henvist af (alle henviste personer)"),
            referred.get("referral_source", {}),
            ReferralSource.choices,
            total=referred["total"][""],
            population="referred",
        ),
        _table(
            "referral_channel",
            _("Henvisningskanal (alle henviste personer)"),
            referred.get("referral_channel", {}),
            ReferralChannel.choices,
            total=referred["total"][""],
            population="referred",
        ),
        _table(
            "not_victim",
            _("Afgørelser om “ikke offer”: underretning af politi og Udlændingestyrelsen"),
            decisions.get("not_victim", {}),
            [
                ("in_time", _("Underrettet inden for 24 timer")),
                ("late", _("Underrettet for sent")),
                ("not_yet", _("Ikke underrettet endnu")),
                ("not_recorded", _("Ingen frist registreret")),
            ],
            total=decisions["not_victim_total"][""],
            population="not_victim",
        ),
        _table(
            "period_kind",
            _("Refleksions- og restitutionsperioder, der begyndte i perioden"),
            after.get("period_kind", {}),
            Period.Kind.choices,
            total=after["periods"][""],
            population="periods",
        ),
        _table(
            "period_length",
            _("Periodernes længde i alt, med forlængelser"),
            after.get("period_length", {}),
            [
                ("1-30", _("Op til 30 dage (ikke forlænget)")),
                ("31-60", _("31-60 dage")),
                ("61-90", _("61-90 dage")),
                ("91-120", _("91-120 dage")),
            ],
            total=after["periods"][""],
            population="periods",
        ),
        _table(
            "support",
            _("Støtte givet"),
            after.get("support", {}),
            SupportService.Type.choices,
            total=after["supported"][""],
            population="supported",
            multiple=True,
            note=_("En person, der fik flere slags støtte, tælles under hver af dem."),
        ),
        _table(
            "repatriation",
            _("Forberedt hjemrejse tilbudt i perioden, efter svar"),
            after.get("repatriation", {}),
            Repatriation.Answer.choices,
            total=after["repatriation_total"][""],
            population="repatriation_offered",
        ),
        _table(
            "repatriation_outcome",
            _("Hjemrejse, reintegration og opfølgning"),
            after.get("outcome", {}),
            [
                ("returned", _("Hjemrejst med forberedt hjemrejse")),
                ("reintegration_completed", _("Reintegrationsstøtte gennemført (seks måneder)")),
                ("follow_up_completed", _("Opfølgning gennemført")),
            ],
            total=None,
            note=_("Hver række tæller sine egne personer; rækkerne lægges ikke sammen."),
        ),
        _table(
            "exit",
            _("Afsluttede sager efter afslutningsårsag"),
            after.get("exit", {}),
            [(code, label) for code, label in Case.ExitReason.choices if code != Case.ExitReason.NOT_VICTIM],
            total=after["exit_total"][""],
            population="exits",
        ),
        _table(
            "received",
            _("Anonyme indberetninger og hotlineopkald modtaget"),
            after.get("received", {}),
            Report.Channel.choices,
            total=after["received_total"][""],
            population="received",
            note=_("Henvendelser, ikke personer: tællet den dag, de kom ind, også dem, der siden er slettet."),
        ),
    )
    by_key = {table.key: table for table in tables}
    minors = next(row.count for row in by_key["age_group"].rows if row.code == MINOR)
    returned = next(row.count for row in by_key["repatriation_outcome"].rows if row.code == "returned")
    key_rows = (
        Row("identified", _("Vurderet som ofre for menneskehandel"), victims),
        Row("age_group." + MINOR, _("heraf mindreårige"), minors),
        Row("referred", _("Henviste personer"), int(referred["total"][""])),
        Row("not_victim", _("Vurderet som ikke ofre"), by_key["not_victim"].total),
        Row("periods", _("Refleksions- eller restitutionsperioder begyndt"), by_key["period_kind"].total),
        Row("repatriation_offered", _("Tilbudt forberedt hjemrejse"), by_key["repatriation"].total),
        Row("repatriation_outcome.returned", _("Hjemrejst med forberedt hjemrejse"), returned),
    )
    detained_total = int(decisions["detained"][""])
    detained_met = int(decisions["detained"]["met"])
    days = identified["decision_days"][""]
    measures = (
        Measure(
            key="decision_days",
            label=_("Tid fra henvisning til positiv afgørelse (median)"),
            value=None if days is None else float(days),
            unit="days",
            based_on=victims,
            population="identified",
        ),
        Measure(
            key="identified_within_72h",
            label=_("Frihedsberøvede personer identificeret inden for 72 timer"),
            value=100.0 * detained_met / detained_total if detained_total else None,
            unit="percent",
            based_on=detained_total,
        ),
    )
    return Figures(
        start=start,
        end=end,
        language=language,
        key_figures=Table(
            key="key_figures",
            title=_("Nøgletal"),
            rows=key_rows,
            total=None,
            chart=False,
        ),
        per_year=_per_year(end),
        tables=tables,
        measures=measures,
        rules=tuple(str(rule) for rule in RULES),
    )
