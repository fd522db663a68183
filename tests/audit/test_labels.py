"""The auditor reads the log in words: every code the system writes has a label (audit/labels.py)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from access.policy import CASE_PAGE_ACTIONS, ROUTES
from audit import labels
from cases.views import CaseActionView

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "access",
    "accounts",
    "audit",
    "cases",
    "cmm",
    "grants",
    "identification",
    "intake",
    "outreach",
    "privacy",
    "reminders",
    "repatriation",
    "reporting",
    "support",
]


def _action_views() -> set[type]:
    import grants.views  # noqa: F401 - the action views are CaseActionView's subclasses once imported
    import identification.views  # noqa: F401
    import repatriation.views  # noqa: F401
    import support.views  # noqa: F401

    found, todo = set(), [CaseActionView]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return {view for view in found if getattr(view, "action", None)}


def source() -> str:
    return "\n".join(
        path.read_text() for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
    )


def test_every_what_the_system_writes_has_a_label():
    written = set(re.findall(r'what="([a-z_]+)"', source()))
    written |= set(re.findall(r'^[A-Z_]+ = "(read_[a-z_]+)"', source(), re.MULTILINE))  # audit.read_rate
    written |= {f"{action}_form" for action in CASE_PAGE_ACTIONS}
    # A case action that asks first reads the case on its confirmation page too.
    written |= {
        f"{view.action}_confirm" for view in _action_views() if view.confirmation is not CaseActionView.confirmation
    }
    written |= {"retention_dry_run", "retention_anonymised", "role_change_rejected", "role_changed"}

    assert written - labels.WHAT_LABELS.keys() == set()


def test_every_detail_key_the_system_writes_has_a_label():
    keys = set()
    for block in re.findall(r"detail=\{([^}]*)\}", source()):
        keys |= set(re.findall(r'"([a-z_]+)":', block))

    assert keys, "no detail written?"
    assert keys - labels.DETAIL_LABELS.keys() == set()


def test_every_route_and_case_action_has_words():
    actions = {route.action for route in ROUTES.values() if route.action}

    assert actions - labels.ACTION_LABELS.keys() == set()


@pytest.mark.parametrize(
    ("detail", "danish", "english"),
    [
        (
            {"fields": ["person.cpr_number", "referral.received_at"]},
            "Felter: CPR-nummer (person), modtaget (henvisning)",
            "Fields: CPR number (person), received (referral)",
        ),
        ({"route": "audit:search"}, "Side: Adgangsloggen", "Page: Access log"),
        ({"route": "case-detail"}, "Side: API: Sagen", "Page: API: The case"),
        ({"filters": ["status", "q"], "page": 2}, "Filtre: Status, Søg; Side: 2", "Filters: Status, Search; Page: 2"),
        ({"accepted": False}, "Accepteret: nej", "Accepted: no"),
        ({"status": 409}, "Svar: sagen var ændret", "Answer: the case had changed"),
    ],
)
def test_details_read_as_words_in_both_languages(detail, danish, english):
    def text(language):
        with translation.override(language):
            return "; ".join(f"{label}: {value}" for label, value in labels.detail_parts(detail))

    assert (text("da"), text("en")) == (danish, english)
