"""Danish by default, English complete beside it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.factories import login, make_case

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def untranslated(path: Path) -> list:
    with path.open("rb") as po:
        catalogue = read_po(po, locale="en")
    return [
        message.id
        for message in catalogue
        if message.id
        and (
            "fuzzy" in message.flags or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]


def test_every_message_has_an_english_translation():
    with CATALOGUE.open("rb") as po:
        assert len(read_po(po, locale="en")) > 300
    assert untranslated(CATALOGUE) == []


def test_every_message_in_the_code_and_templates_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the project: a string marked for translation but missing from the
    catalogue (or matched only fuzzily to an old one) would show in Danish on the English pages."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", ".data", ".hypothesis", "__pycache__", "*.mo", "staticfiles"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cmm.settings.test"},
        check=True,
        capture_output=True,
    )
    assert untranslated(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") == []


@pytest.mark.django_db
def test_pages_are_danish_even_when_the_browser_asks_for_english(client, cmm_worker):
    login(client, cmm_worker)

    page = client.get("/sager/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="da"' in page
    assert "Registrér henvisning" in page


@pytest.mark.django_db
def test_the_language_switch_gives_english_pages_and_errors(client, cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    login(client, dis_worker)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/sager/{case.number}/").content.decode()
    refused = client.post(f"/sager/{case.number}/forlaengelse/", {"version": case.version})
    api = client.post(f"/api/v1/cases/{case.number}/assessment/", {}, content_type="application/json")

    assert '<html lang="en"' in page
    assert "Referred, awaiting identification" in page and "Competent authority" in page
    assert "Henvist, afventer" not in page
    assert refused.status_code == 403
    assert "This action is not possible while the case has the status" in refused.content.decode()
    assert api.json()["errors"][0]["detail"] == "This field is required."
