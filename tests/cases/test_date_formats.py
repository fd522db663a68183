"""Dates read as each language writes them (cmm/formats): "2. dec. 2026" on Danish pages, "2 Dec 2026" on English."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

AFTERNOON = dt.datetime(2026, 12, 2, 13, 30, 5, tzinfo=dt.UTC)  # 14:30:05 in Copenhagen (winter time)
MAY = dt.datetime(2026, 5, 2, 12, 30, tzinfo=dt.UTC)  # 14:30 in Copenhagen (summer time)


def shown(value, fmt: str, language: str, tag: str = "date") -> str:
    template = engines["django"].from_string(f'{{% load fastdate %}}{{{{ value|{tag}:"{fmt}" }}}}')
    with translation.override(language):
        return template.render({"value": value})


@pytest.mark.parametrize("tag", ["date", "fastdate"])
@pytest.mark.parametrize(
    ("fmt", "danish", "english"),
    [
        ("DATE_FORMAT", "2. december 2026", "2 December 2026"),
        ("SHORT_DATE_FORMAT", "2. dec. 2026", "2 Dec 2026"),
        ("DATETIME_FORMAT", "2. december 2026 kl. 14:30", "2 December 2026, 14:30"),
        ("SHORT_DATETIME_FORMAT", "2. dec. 2026 kl. 14:30", "2 Dec 2026, 14:30"),
        ("LOG_DATETIME_FORMAT", "2. dec. 2026 14:30:05", "2 Dec 2026 14:30:05"),
        ("HOUR_DEADLINE_FORMAT", "2. december 2026 kl. 14:30 (dansk tid)", "2 December 2026, 14:30 (Danish time)"),
    ],
)
def test_named_formats_read_as_the_language_writes_dates(settings, tag, fmt, danish, english):
    settings.TIME_ZONE = "Europe/Copenhagen"
    assert shown(AFTERNOON, fmt, "da", tag) == danish
    assert shown(AFTERNOON, fmt, "en", tag) == english


@pytest.mark.parametrize("tag", ["date", "fastdate"])
def test_danish_abbreviates_only_the_months_danish_abbreviates(settings, tag):
    """May, June, July are written out, with no full stop: "2. maj 2026", never "2. maj. 2026"."""
    settings.TIME_ZONE = "Europe/Copenhagen"
    assert shown(MAY, "SHORT_DATE_FORMAT", "da", tag) == "2. maj 2026"
    assert shown(MAY.replace(month=9), "SHORT_DATE_FORMAT", "da", tag) == "2. sept. 2026"
    assert shown(MAY, "SHORT_DATE_FORMAT", "en", tag) == "2 May 2026"
    # The time follows the summer time too: 12:30 UTC is 14:30 in May.
    assert shown(MAY, "SHORT_DATETIME_FORMAT", "da", tag) == "2. maj 2026 kl. 14:30"
