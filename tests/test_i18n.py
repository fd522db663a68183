"""Danish by default, English complete beside it."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.factories import login, make_case

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="en")

    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            "fuzzy" in message.flags or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]

    assert untranslated == []
    assert len(catalogue) > 300


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
