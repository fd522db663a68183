"""Read-side queries of support services and action plans: a fixed number of queries whatever the data.

The case page brings the services and the current version of the plan as JSON inside its own query
(`case_annotations`, added in cases.queries.case_detail), as it brings the shares.
"""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from cases.deadlines import DeadlineKind
from cases.models import Case, Deadline

from .models import ActionPlanVersion, SupportService

_VERSION_FIELDS = ("number", "made_on", "made_with_person", "made_with_representative", "review_dates", "created_at")


def case_annotations() -> dict:
    """The case page's annotations: the case's services and its plan's current version, as JSON."""
    services = (
        SupportService.objects.filter(case=OuterRef("pk"))
        .order_by("starts_on", "id")
        .values(
            json=JSONObject(
                pk="pk",
                type="type",
                provider="provider",
                status="status",
                starts_on="starts_on",
                ends_on="ends_on",
                version="version",
            )
        )
    )
    current = (
        ActionPlanVersion.objects.filter(plan__case=OuterRef("pk"))
        .order_by("-number")
        .values(json=JSONObject(content="content", **{name: name for name in _VERSION_FIELDS}))[:1]
    )
    return {"support_services_json": ArraySubquery(services), "action_plan_json": Subquery(current)}


def case_services(case: Case) -> list[SupportService]:
    """The case's services from the JSON its page query brought along, by start date."""
    return [
        SupportService(
            pk=row["pk"],
            case=case,
            type=row["type"],
            provider=row["provider"],
            status=row["status"],
            starts_on=dt.date.fromisoformat(row["starts_on"]),
            ends_on=dt.date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
            version=row["version"],
        )
        for row in getattr(case, "support_services_json", None) or []
    ]


def current_plan_version(case: Case) -> ActionPlanVersion | None:
    """The plan's current version from the case page's JSON (its content decrypted), or None if there is no plan."""
    row = getattr(case, "action_plan_json", None)
    if row is None:
        return None
    content = ActionPlanVersion._meta.get_field("content").from_db_value(row["content"], None, None)
    return ActionPlanVersion(
        number=row["number"],
        made_on=dt.date.fromisoformat(row["made_on"]),
        made_with_person=row["made_with_person"],
        made_with_representative=row["made_with_representative"],
        review_dates=[dt.date.fromisoformat(day) for day in row["review_dates"] or []],
        content=content,
    )


def has_action_plan(case: Case) -> bool:
    """Whether the case has a plan (annotated by the case page's query; one query otherwise)."""
    if hasattr(case, "action_plan_json"):
        return case.action_plan_json is not None
    return ActionPlanVersion.objects.filter(plan__case=case).exists()


def next_review(deadlines) -> Deadline | None:
    """The earliest pending review of the plan among the case's (prefetched) deadlines."""
    pending = [
        deadline
        for deadline in deadlines
        if deadline.kind == DeadlineKind.ACTION_PLAN_REVIEW
        and deadline.closed_at is None
        and deadline.status in (Deadline.Status.OPEN, Deadline.Status.MISSED)
    ]
    return min(pending, key=lambda deadline: deadline.due_at, default=None)


def plan_versions(case: Case) -> list[ActionPlanVersion]:
    """Every version of the case's plan, newest first (one query)."""
    return list(ActionPlanVersion.objects.filter(plan__case=case).select_related("created_by").order_by("-number"))


def plan_version(case: Case, number: int) -> ActionPlanVersion | None:
    return ActionPlanVersion.objects.filter(plan__case=case, number=number).select_related("created_by").first()


def services_of(case: Case) -> QuerySet[SupportService]:
    return SupportService.objects.filter(case=case).order_by("starts_on", "id")


def plan_representative(case: Case) -> str | None:
    """The name of the person's representative to put on the plan (an unaccompanied minor's), or None."""
    from cases.lifecycle import current_representative

    representative = current_representative(case)
    return representative.name if representative else None


def case_page_context(user, case: Case, fields, deadlines) -> dict | None:
    """What the case page's support section shows (templates/support/_case_section.html), or None if the user's
    field set has no support services (the repatriation organisation's)."""
    from access import policy  # the policy reads this module (has_action_plan): imported late

    if "support_services" not in fields:
        return None
    can = {action: policy.can(user, action, case) for action in _SECTION_ACTIONS}
    return {
        "services": case_services(case),
        "plan": current_plan_version(case) if "action_plan" in fields else None,
        "next_review": next_review(deadlines),
        "can_record": can[policy.Action.RECORD_SUPPORT],
        "can_edit_plan": can[policy.Action.EDIT_ACTION_PLAN],
        "can_print": can[policy.Action.PRINT_ACTION_PLAN],
        "actions": can[policy.Action.RECORD_SUPPORT] or can[policy.Action.EDIT_ACTION_PLAN],
    }


_SECTION_ACTIONS = ("record_support", "edit_action_plan", "print_action_plan")
