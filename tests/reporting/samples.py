"""Published figures built by hand, for the report's rendering: the action plan's 2017 as it quotes it.

The numbers are the plan's where it gives them (98 victims in 2017, 86 of them women; 86 sexual exploitation,
5 crime, 1 forced labour, 3 other); the rest is made up in the same proportions. Cells under 5 are suppressed
as reporting.disclosure would, with a secondary suppression where a total would give one away.
"""

import datetime as dt

from reporting.tables import Cell, Published, PublishedMeasure, PublishedRow, PublishedTable

SHOWN = Cell
HIDDEN = Cell(None, suppressed=True, primary=True)
HIDDEN_SECONDARY = Cell(None, suppressed=True)

DANISH = {
    "key": "Nøgletal",
    "identified": "Identificerede ofre",
    "referred": "Henviste personer",
    "minors": "Mindreårige ofre",
    "per_year": "Identificerede ofre pr. år",
    "sex": "Køn",
    "women": "Kvinder",
    "men": "Mænd",
    "exploitation": "Udnyttelsesform",
    "sexual": "Seksuel udnyttelse",
    "crime": "Udnyttelse til kriminalitet",
    "labour": "Tvangsarbejde",
    "other": "Andet",
    "nationality": "Statsborgerskab",
    "authority": "Vurderende myndighed",
    "median": "Dage fra henvisning til afgørelse (median)",
    "women_share": "Andel kvinder",
    "repatriation_median": "Dage i forberedt hjemrejse (median)",
    "rule": "En person tælles i det år, hvor afgørelsen om offer blev truffet.",
    "note": "3 tal under 5 er skjult, og 1 tal er skjult, fordi det ellers kunne regnes ud.",
}
ENGLISH = {
    "key": "Key figures",
    "identified": "Identified victims",
    "referred": "Persons referred",
    "minors": "Minor victims",
    "per_year": "Identified victims per year",
    "sex": "Sex",
    "women": "Women",
    "men": "Men",
    "exploitation": "Form of exploitation",
    "sexual": "Sexual exploitation",
    "crime": "Exploitation in crime",
    "labour": "Forced labour",
    "other": "Other",
    "nationality": "Nationality",
    "authority": "Assessing authority",
    "median": "Days from referral to decision (median)",
    "women_share": "Share of women",
    "repatriation_median": "Days in prepared repatriation (median)",
    "rule": "A person is counted in the year the decision on victim status was made.",
    "note": "3 figures under 5 are hidden, and 1 figure is hidden because it could otherwise be worked out.",
}
PER_YEAR = {2008: 54, 2009: 59, 2010: 65, 2011: 61, 2012: 64, 2013: 71, 2014: 72, 2015: 85, 2016: 79, 2017: 98}


def _table(key, title, rows, total=None, **more) -> PublishedTable:
    return PublishedTable(
        key=key,
        title=title,
        rows=tuple(PublishedRow(code, label, cell) for code, label, cell in rows),
        total=total,
        **more,
    )


def published_2017(language: str = "da", *, per_year=None) -> Published:
    words = DANISH if language == "da" else ENGLISH
    years = PER_YEAR if per_year is None else per_year
    return Published(
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 12, 31),
        language=language,
        key_figures=_table(
            "key_figures",
            words["key"],
            [
                ("identified", words["identified"], SHOWN(98)),
                ("referred", words["referred"], SHOWN(131)),
                ("minors", words["minors"], SHOWN(5)),
            ],
            chart=False,
        ),
        per_year=_table(
            "per_year",
            words["per_year"],
            [(str(year), str(year), HIDDEN if count is None else SHOWN(count)) for year, count in years.items()],
        ),
        tables=(
            _table(
                "sex",
                words["sex"],
                [("female", words["women"], SHOWN(86)), ("male", words["men"], SHOWN(12))],
                total=SHOWN(98),
            ),
            _table(
                "exploitation",
                words["exploitation"],
                [
                    ("sexual", words["sexual"], SHOWN(86)),
                    ("crime", words["crime"], HIDDEN_SECONDARY),
                    ("forced_labour", words["labour"], HIDDEN),
                    ("other", words["other"], HIDDEN),
                ],
                total=SHOWN(98),
                multiple=True,
            ),
            _table(
                "nationality",
                words["nationality"],
                [
                    ("NG", "Nigeria", SHOWN(38)),
                    ("TH", "Thailand", SHOWN(20)),
                    ("UG", "Uganda", SHOWN(12)),
                    ("RO", "Rumænien" if language == "da" else "Romania", SHOWN(8)),
                    ("other", words["other"], SHOWN(20)),
                ],
                total=SHOWN(98),
            ),
            _table(
                "authority",
                words["authority"],
                [("CMM", "CMM", SHOWN(30)), ("DIS", "DIS", SHOWN(68))],
                total=SHOWN(98),
            ),
        ),
        measures=(
            PublishedMeasure("median_days", words["median"], 21.0, "days", SHOWN(98)),
            PublishedMeasure("women_share", words["women_share"], 87.76, "percent", SHOWN(98)),
            PublishedMeasure("repatriation_days", words["repatriation_median"], None, "days", HIDDEN),
        ),
        rules=(words["rule"],),
        notes=(words["note"],),
    )
