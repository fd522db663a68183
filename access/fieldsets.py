"""Need-to-know: which parts of a case each role and share scope may read. Part of the access policy.

A case's parts are named as the API names them (`person.cpr_number`, `assessment.reasons`,
`period.extensions.exceptional_circumstances`). Case work (CMM and DIS, and a coordinator's break-the-glass)
reads the whole file; an organisation a case is shared with reads what the purpose of the share needs:
support, or prepared repatriation. `fields_for(user, case)` is asked by the case page, the API (detail,
events, deadlines) and every export; `redact` and `prune` apply the answer, so a hidden part is neither
shown nor sent. docs/access-policy.md lists the sets (generated from this module).
"""

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy

from access.policy import CASEWORK_ROLES
from cases.deadlines import DeadlineKind
from cases.models import CaseEvent

# The repatriation's parts (repatriation.models), listed once: the whole file reads all, the IOM's scope most.
REPATRIATION_PARTS = (
    "repatriation.offered_on",
    "repatriation.answer",
    "repatriation.answered_on",
    "repatriation.reasons",
    "repatriation.reintegration_plan",
    "repatriation.planned_departure_on",
    "repatriation.returned_on",
    "repatriation.destination",
    "repatriation.version",
    "repatriation.reintegration_last_day",
    "repatriation.follow_up_last_day",
    "repatriation.support_items.kind",
    "repatriation.support_items.amount",
    "repatriation.support_items.currency",
    "repatriation.support_items.paid_to_family_member",
    "repatriation.support_items.family_member_reason",
    "repatriation.support_items.note",
    "follow_up_reports.written_on",
    "follow_up_reports.text",
    "follow_up_reports.attachments",
)

# Every readable part of a case, in the order the policy table lists them.
CASE_PARTS = (
    "number",
    "status",
    "competent_authority",
    "exit_reason",
    "exit_on",
    "exit_note",
    "version",
    "created_at",
    "updated_at",
    "closed_at",
    "contact_person",
    "team",
    "person.given_name",
    "person.family_name",
    "person.aliases",
    "person.date_of_birth",
    "person.date_of_birth_estimated",
    "person.gender",
    "person.nationalities",
    "person.primary_language",
    "person.cpr_number",
    "person.document_number",
    "person.phone",
    "person.address",
    "person.notes",
    "referral.received_at",
    "referral.source",
    "referral.channel",
    "referral.referring_organisation",
    "referral.referrer_reference",
    "referral.residence_status",
    "referral.exploitation_forms",
    "referral.means_of_control",
    "referral.recruiter_relation",
    "referral.detained",
    "referral.detained_at",
    "referral.circumstances",
    "referral.unaccompanied",
    "referral.age_estimate",
    "representative.kind",
    "representative.name",
    "representative.phone",
    "representative.organisation",
    "representative.appointed_on",
    "assessment.decision",
    "assessment.decided_on",
    "assessment.decided_at",
    "assessment.assessing_authority",
    "assessment.interview_on",
    "assessment.interpreter_language",
    "assessment.indicators",
    "assessment.reasons",
    "period.kind",
    "period.starts_on",
    "period.days_total",
    "period.last_day",
    "period.extensions.days",
    "period.extensions.exceptional_circumstances",
    "period.extensions.cooperates_on_repatriation",
    "period.extensions.granted_at",
    "deadlines",
    "shares",
    "events.reason",
    # Support services and the action plan (support/): case work's and the support scope's.
    "support_services",
    "support_service_notes",
    "action_plan",
    # Prepared repatriation (repatriation.models).
    "dublin_regulation",
    *REPATRIATION_PARTS,
)

# What every organisation with a share may read about the case itself and its course.
_CASE_COURSE = frozenset(
    {
        "number",
        "status",
        "competent_authority",
        "exit_reason",
        "exit_on",
        "version",
        "created_at",
        "closed_at",
        "assessment.decision",
        "assessment.decided_on",
        "period.kind",
        "period.starts_on",
        "period.days_total",
        "period.last_day",
        "period.extensions.days",
        "period.extensions.granted_at",
        "deadlines",
    }
)

SUPPORT = _CASE_COURSE | {
    "person.given_name",
    "person.family_name",
    "person.aliases",
    "person.gender",
    "person.nationalities",
    "person.primary_language",
    "person.phone",
    "person.address",
    "referral.exploitation_forms",
    # A child's shelter deals with the child's representative day to day: who, and how to reach them.
    "referral.unaccompanied",
    "representative.kind",
    "representative.name",
    "representative.phone",
    "representative.organisation",
    "representative.appointed_on",
    "support_services",
    "action_plan",
}
REPATRIATION = _CASE_COURSE | {
    "person.given_name",
    "person.family_name",
    "person.date_of_birth",
    "person.date_of_birth_estimated",
    "person.gender",
    "person.nationalities",
    "person.primary_language",
    "person.document_number",
    "person.phone",
    # A minor's return is agreed with their representative, and the IOM hands the child over in their presence:
    # it knows who the representative is; it reaches them through the caseworker, so not their phone.
    "referral.unaccompanied",
    "referral.age_estimate",
    "representative.kind",
    "representative.name",
    "representative.organisation",
    "representative.appointed_on",
    # The repatriation, its support, the return and the follow-up; not the person's reasons for their answer,
    # which they gave the caseworker (need-to-know: the organisation works from the plan).
    *(part for part in REPATRIATION_PARTS if part != "repatriation.reasons"),
}

# Share scopes (grants.models.Share.Scope values) and what each may read.
SCOPE_PARTS = {"support": SUPPORT, "repatriation": REPATRIATION}
SCOPE_LABELS = {"support": gettext_lazy("Støtte og bistand"), "repatriation": gettext_lazy("Forberedt hjemrejse")}

# The course of the case, without reasons or who else is involved: no hand-overs, no other shares.
SHARED_EVENTS = frozenset(
    {CaseEvent.Type.ASSESSMENT_RECORDED, CaseEvent.Type.PERIOD_GRANTED, CaseEvent.Type.PERIOD_EXTENDED}
)
SHARED_DEADLINES = frozenset({DeadlineKind.PERIOD_END})
# The repatriation scope follows the repatriation too: its events and the two periods after the return.
REPATRIATION_EVENTS = frozenset(
    {
        CaseEvent.Type.REPATRIATION_OFFERED,
        CaseEvent.Type.REPATRIATION_ACCEPTED,
        CaseEvent.Type.REPATRIATION_DECLINED,
        CaseEvent.Type.REINTEGRATION_PLAN_SAVED,
        CaseEvent.Type.REINTEGRATION_SUPPORT_ADDED,
        CaseEvent.Type.RETURN_RECORDED,
        CaseEvent.Type.FOLLOW_UP_REPORT_ADDED,
    }
)
# What a scope reads of the course beyond that: the support scope its services and the plan's reviews (the
# repatriation scope does not read the other support services, issue 8), the repatriation scope the
# repatriation's events and the two periods after the return.
SCOPE_EVENTS = {
    "support": frozenset(
        {
            CaseEvent.Type.SUPPORT_SERVICE_RECORDED,
            CaseEvent.Type.SUPPORT_SERVICE_CHANGED,
            CaseEvent.Type.ACTION_PLAN_SAVED,
        }
    ),
    "repatriation": REPATRIATION_EVENTS,
}
SCOPE_DEADLINES = {
    "support": frozenset({DeadlineKind.ACTION_PLAN_REVIEW}),
    "repatriation": frozenset({DeadlineKind.REINTEGRATION_END, DeadlineKind.FOLLOW_UP_END}),
}

# Case work reads the whole file: the access policy's case-working roles.
CASEWORK = CASEWORK_ROLES


@dataclass(frozen=True)
class FieldSet:
    """The parts of one case one user may read. `parts` None: all of them."""

    parts: frozenset | None = None
    events: frozenset | None = None  # event types shown; None: all
    deadline_kinds: frozenset | None = None
    staff_names: bool = True  # False: staff are named by their agency only

    @property
    def everything(self) -> bool:
        return self.parts is None

    def __contains__(self, part: str) -> bool:
        return self.parts is None or part in self.parts

    def shows_event(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events

    def shows_deadline(self, kind: str) -> bool:
        return self.deadline_kinds is None or kind in self.deadline_kinds

    def tree(self) -> dict:
        """The visible parts as nested dicts for templates: `{% if fields.person.cpr_number %}`."""
        tree: dict = {}
        for part in CASE_PARTS:
            if part in self:
                node = tree
                *branches, leaf = part.split(".")
                for branch in branches:
                    node = node.setdefault(branch, {})
                node[leaf] = True
        return tree


WHOLE_FILE = FieldSet()
NOTHING = FieldSet(parts=frozenset(), events=frozenset(), deadline_kinds=frozenset(), staff_names=False)


def for_scope(scope: str | None) -> FieldSet:
    """What an organisation reads through a share of this scope (nothing without a live share)."""
    if scope not in SCOPE_PARTS:
        return NOTHING
    return FieldSet(
        parts=SCOPE_PARTS[scope],
        events=SHARED_EVENTS | SCOPE_EVENTS.get(scope, frozenset()),
        deadline_kinds=SHARED_DEADLINES | SCOPE_DEADLINES.get(scope, frozenset()),
        staff_names=False,
    )


def fields_for(user, case) -> FieldSet:
    """The parts of `case` that `user` may read; the case is one they may see (access.case_for_view).

    An organisation's share scope comes annotated on the case (`share_scope`, cases.queries.share_scope).
    """
    if user.role in CASEWORK:
        return WHOLE_FILE
    return for_scope(getattr(case, "share_scope", None))


def list_fields(user) -> FieldSet:
    """For lists across cases: what every share scope may read (an organisation's rows are all shared)."""
    if user.role in CASEWORK:
        return WHOLE_FILE
    common = SUPPORT & REPATRIATION
    return FieldSet(parts=common, events=SHARED_EVENTS, deadline_kinds=SHARED_DEADLINES, staff_names=False)


def _blank(field: models.Field):
    if isinstance(field, ArrayField):
        return []
    if isinstance(field, models.BooleanField):
        return False
    if field.null or field.is_relation:
        return None
    return ""


# Parts that are lists of their own (filtered by kind or type), not fields to blank.
_COLLECTIONS = ("deadlines", "shares", "events.reason", "support_services", "support_service_notes", "action_plan")
# Lists the case page brings as JSON in its own query (cases.queries.case_detail), shown by their field set.
_COLLECTION_PREFIXES = ("repatriation.support_items.", "follow_up_reports.")


def redact(case, fields: FieldSet):
    """Blank out, on the loaded case and its related rows, every part `fields` does not show.

    The page is rendered from the redacted objects, so a hidden part cannot reach it by a template's
    oversight. The objects are never saved afterwards (the page only reads).
    """
    if fields.everything:
        return case
    for part in CASE_PARTS:
        if part in fields or part in _COLLECTIONS or part.startswith(_COLLECTION_PREFIXES):
            continue
        *path, name = part.split(".")
        for holder in _holders(case, path):
            try:
                field = holder._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a property computed from fields that are themselves listed (last_day)
            setattr(holder, name, _blank(field))
    return case


def _holders(case, path: list[str]) -> list:
    holders = [case]
    for step in path:
        next_holders = []
        for holder in holders:
            value = getattr(holder, step, None)
            if value is None:
                continue
            if hasattr(value, "all"):
                next_holders.extend(value.all())
            else:
                next_holders.append(value)
        holders = next_holders
    return holders


def prune(data: dict, fields: FieldSet, prefix: str = "") -> dict:
    """The serialised case with only the parts `fields` shows (hidden keys are left out, not emptied)."""
    if fields.everything:
        return data
    kept = {}
    for key, value in data.items():
        part = f"{prefix}{key}"
        if part in fields:
            kept[key] = value
        elif fields.parts and any(name.startswith(f"{part}.") for name in fields.parts):
            if isinstance(value, dict):
                kept[key] = prune(value, fields, f"{part}.")
            elif isinstance(value, list):
                kept[key] = [prune(item, fields, f"{part}.") if isinstance(item, dict) else item for item in value]
            else:
                kept[key] = value
    return kept
