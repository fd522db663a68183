"""Read-side querysets for pages and the API: each is a fixed number of queries, whatever the data.

Measured at 50,000 cases by `bench/run.py`; keep what a page loads to what it shows.
"""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import Role, Team
from audit.models import AuditEvent
from grants import queries as grant_queries
from grants.models import EmergencyAccess, Handover, Share
from support import queries as support_queries

from .deadlines import DeadlineKind
from .models import Case, CaseEvent, Deadline, Representative

PENDING = Q(closed_at__isnull=True, status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED])

# What a row of the case table shows (cases/case_table.html).
LIST_FIELDS = (
    "id",
    "number",
    "status",
    "competent_authority",
    "created_at",
    "person__given_name",
    "person__family_name",
    "person__nationalities",
)
# The earliest pending deadline of the outer case (built once: a queryset costs 0.2 ms to build).
NEXT_DUE = Deadline.objects.filter(PENDING, case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
# The API's list rows show the referral's exploitation forms and receipt time as well.
API_LIST_FIELDS = (*LIST_FIELDS, "referral__exploitation_forms", "referral__received_at")


def case_list(user, *, with_referral: bool = False, visible: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The visible cases, newest first, with what a list row shows and the next pending deadline.

    `with_referral` adds the referral (for the API's rows); the page's table does not show it. `visible` is
    policy.visible_cases(user) if the caller has built it already (building it costs about 0.5 ms).
    """
    related, fields = (("person", "referral"), API_LIST_FIELDS) if with_referral else (("person",), LIST_FIELDS)
    return (
        (policy.visible_cases(user) if visible is None else visible)
        .select_related(*related)
        .only(*fields)
        .annotate(next_due=Subquery(NEXT_DUE))
        .order_by("-id")
    )


# The case's current representative (cases.lifecycle.current_representative) as JSON in the case's own query; its
# name and phone come as ciphertext, decrypted there.
CURRENT_REPRESENTATIVE = (
    Representative.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    .order_by("-recorded_at", "-id")
    .values(
        json=JSONObject(
            pk="pk",
            kind="kind",
            name="name",
            phone="phone",
            organisation="organisation",
            appointed_on="appointed_on",
            recorded_at="recorded_at",
        )
    )[:1]
)


def with_total(rows: QuerySet[Case], matching: QuerySet[Case]) -> QuerySet[Case]:
    """`rows`, each with `total`: how many cases `matching` has (the same filters: the count of every page).

    An uncorrelated subquery (PostgreSQL counts once per statement), put in as the SQL `matching` compiles to:
    as a Subquery Django would relabel every alias of the scope's query first, which costs more than compiling it.
    """
    try:
        sql, params = matching.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # filters no case can meet (Django compiles no SQL for them)
        return rows.annotate(total=Value(0, output_field=IntegerField()))
    counted = f"SELECT count(*) FROM ({sql}) counted"  # noqa: S608 - SQL the ORM compiled; values are parameters
    return rows.annotate(total=RawSQL(counted, params, output_field=IntegerField()))  # noqa: S611 - as above


def case_detail(user, number: str) -> Case:
    """One visible case with everything its page shows (Http404 if not visible)."""
    qs = Case.objects.select_related(
        "person",
        "referral",
        "assessment",
        "period",
        "team",
        "contact_person",
        "repatriation",
    ).prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")),
        Prefetch("period__extensions"),
    )
    pending = Handover.objects.filter(case=OuterRef("pk"), status=Handover.Status.PENDING)
    # The shares come as JSON inside the case's own query: a page of at most eight queries.
    shares = (
        Share.objects.filter(case=OuterRef("pk"))
        .order_by("-recorded_at")
        .values(
            json=JSONObject(
                pk="pk",
                team="team__name",
                scope="scope",
                consent_given_on="consent_given_on",
                expires_on="expires_on",
                withdrawn_at="withdrawn_at",
            )
        )
    )
    qs = qs.annotate(
        representative_json=Subquery(CURRENT_REPRESENTATIVE),
        pending_handover_to=Subquery(pending.values("to_authority")[:1]),
        emergency_access=under_emergency_access(user),
        shares_json=ArraySubquery(shares),
        share_scope=share_scope(user),
        share_last_day=share_last_day(user),
        # Support services and the action plan's current version, as JSON in the same query (support.queries).
        **support_queries.case_annotations(),
        **repatriation_annotations(),
    )
    try:
        return policy.case_for_view(user, number, queryset=qs)
    except Http404:
        # The refused read is audited already. An organisation that had the case is told its access ended;
        # any other number stays the ordinary 404.
        last_day = grant_queries.ended_share_last_day(user, number)
        if last_day is None:
            raise
        raise grant_queries.AccessEnded(number, last_day) from None


def repatriation_annotations() -> dict:
    """The repatriation's support items as JSON, and the follow-up reports' count and latest date, inside the case's
    own query (repatriation/_case_section.html shows them; the reports themselves have a page of their own)."""
    from repatriation.models import FollowUpReport, ReintegrationSupport  # builds on cases; imported late

    items = (
        ReintegrationSupport.objects.filter(repatriation_id=OuterRef("pk"))
        .order_by("recorded_at", "id")
        .values(
            json=JSONObject(
                kind="kind",
                amount=Cast("amount", CharField()),
                currency="currency",
                paid_to_family_member="paid_to_family_member",
                family_member_reason="family_member_reason",
                note="note",
            )
        )
    )
    reports = FollowUpReport.objects.filter(case=OuterRef("pk")).order_by()
    return {
        "support_items_json": ArraySubquery(items),
        "follow_up_report_count": Subquery(
            reports.values("case").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        "follow_up_last_written": Subquery(reports.order_by("-written_on").values("written_on")[:1]),
    }


def share_scope(user) -> Subquery | Value:
    """The scope of the live share through which the user's organisation sees the case (None if none).

    fieldsets.fields_for reads it: an organisation sees what the purpose of its share needs.
    """
    if user.role not in policy.SHARED_WITH_ROLES:
        # Case work reads the whole file: no subquery on every case page for a scope nobody reads.
        return Value(None, output_field=CharField())
    return Subquery(_live_share(user).values("scope")[:1])


def _live_share(user) -> QuerySet[Share]:
    """The user's organisation's running share of the outer case (at most one: grants.services.share_create)."""
    return Share.objects.filter(
        case=OuterRef("pk"), team_id=user.team_id, withdrawn_at__isnull=True, expires_on__gte=timezone.localdate()
    )


def share_last_day(user) -> Subquery | Value:
    """The last day of the live share through which the user's organisation sees the case (None if none)."""
    if user.role not in policy.SHARED_WITH_ROLES:
        return Value(None, output_field=DateField())
    return Subquery(_live_share(user).values("expires_on")[:1])


def case_for_events(user, number: str) -> Case:
    """One visible case with what its timeline's audit row and field set need."""
    annotated = Case.objects.annotate(emergency_access=under_emergency_access(user), share_scope=share_scope(user))
    return policy.case_for_view(user, number, queryset=annotated)


def case_shares(case: Case) -> list[Share]:
    """The case's shares, newest first, from the JSON its page query brought along."""
    return [
        Share(
            pk=row["pk"],
            case=case,
            team=Team(name=row["team"]),
            scope=row["scope"],
            consent_given_on=dt.date.fromisoformat(row["consent_given_on"]),
            expires_on=dt.date.fromisoformat(row["expires_on"]),
            withdrawn_at=dt.datetime.fromisoformat(row["withdrawn_at"]) if row["withdrawn_at"] else None,
        )
        for row in case.shares_json
    ]


def under_emergency_access(user) -> Exists:
    """The user's break-the-glass access to the case is running: in the same query, no extra round trip."""
    return Exists(EmergencyAccess.objects.filter(case=OuterRef("pk"), user_id=user.pk, expires_at__gt=timezone.now()))


def read_purpose(case: Case) -> str:
    """Why the user reads the case, for its audit row: break-the-glass while that access runs."""
    if getattr(case, "emergency_access", False):
        return AuditEvent.Purpose.BREAK_THE_GLASS
    return AuditEvent.Purpose.CASE_WORK


# The 72-hour identification deadline of the outer case (an extension never replaces it; the newest counts).
_IDENTIFICATION = (
    Deadline.objects.filter(case=OuterRef("pk"), kind=DeadlineKind.IDENTIFICATION)
    .exclude(status=Deadline.Status.CANCELLED)
    .order_by("-id")
)


# Whether a detained person was identified within 72 hours, as the referrer is told it.
IN_TIME, LATE, AWAITING = "in_time", "late", "pending"


def identification_timeliness(status: str | None, due_at: dt.datetime | None, now: dt.datetime) -> str:
    """In time, late or pending, from the identification deadline's row; "" for a person not detained."""
    if status is None:
        return ""
    if status == Deadline.Status.MET:
        return IN_TIME
    if status == Deadline.Status.MISSED or (due_at is not None and due_at < now):
        return LATE
    return AWAITING


# A referral's status as its referrer is told it: four words, nothing of the file (not the assessment's outcome,
# a period, a return). "Under vurdering": the competent authority has recorded something on the case since it
# was registered (a hand-over, a residence status, a contact person); before that it is "modtaget".
RECEIVED, UNDER_ASSESSMENT, ASSESSED, CLOSED = "received", "under_assessment", "assessed", "closed"
REFERRAL_STATUSES = {
    RECEIVED: gettext_lazy("Modtaget"),
    UNDER_ASSESSMENT: gettext_lazy("Under vurdering"),
    ASSESSED: gettext_lazy("Vurderet"),
    CLOSED: gettext_lazy("Afsluttet"),
}
_WORKED_ON = CaseEvent.objects.filter(case=OuterRef("pk"), actor__isnull=False).exclude(
    event_type=CaseEvent.Type.REFERRAL_REGISTERED
)


def referral_status(status: str, worked_on: bool) -> str:
    """The referrer's word for a case's status (REFERRAL_STATUSES)."""
    if status == Case.Status.CLOSED:
        return CLOSED
    if status != Case.Status.REFERRED:
        return ASSESSED
    return UNDER_ASSESSMENT if worked_on else RECEIVED


def own_referrals(user, limit: int = 200) -> list[Case]:
    """The cases opened from the user's own referrals, with only what the referrer may know: number, the status in
    four words (referral_status), their own reference and, for a detained person, whether the identification came
    within 72 hours. One query, whatever the number of rows."""
    cases = list(
        Case.objects.filter(referral__registered_by=user)
        .only("number", "status", "competent_authority", "created_at")
        .annotate(
            referrer_reference=F("referral__referrer_reference"),
            identification_status=Subquery(_IDENTIFICATION.values("status")[:1]),
            identification_due_at=Subquery(_IDENTIFICATION.values("due_at")[:1]),
            worked_on=Exists(_WORKED_ON),
        )
        .order_by("-id")[:limit]
    )
    now = timezone.now()
    for case in cases:
        case.identification = identification_timeliness(case.identification_status, case.identification_due_at, now)
        case.referral_status = referral_status(case.status, case.worked_on)
        case.referral_status_display = REFERRAL_STATUSES[case.referral_status]
    return cases


def case_timeline(case: Case, limit: int = 100) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def pending_deadlines(user, limit: int = 20, *, visible: QuerySet[Case] | None = None) -> list[Deadline]:
    """Deadlines still to act on in the user's visible cases; overdue first, then soonest.

    Walks the partial index `deadline_pending_due` in due order and stops after `limit` visible ones.
    """
    visible = policy.visible_cases(user) if visible is None else visible
    return list(
        Deadline.objects.filter(PENDING, case__in=visible.values("pk"))
        .select_related("case")
        # The API's rows (DeadlineSerializer) show legal_source and closed_at too: deferring them would
        # cost one query per row.
        .only("id", "kind", "due_at", "status", "legal_source", "closed_at", "case__number", "case__status")
        .order_by("due_at")[:limit]
    )


def responsible_cases(user, limit: int = 300) -> list[Case]:
    """ "Mine sager": the open cases the user is responsible for, newest first.

    A CMM contact person's own (contact person); a CMM coordinator's team's (all CMM's if no team), with the
    contact person for grouping; DIS staff the open cases DIS is competent for; an organisation its shared ones.
    """
    visible = policy.visible_cases(user)
    qs = case_list(user, visible=visible).exclude(status=Case.Status.CLOSED)
    if user.role == Role.CMM_CONTACT_PERSON:
        qs = qs.filter(contact_person=user)
    elif user.role == Role.CMM_COORDINATOR:
        if user.team_id:
            qs = qs.filter(team_id=user.team_id)
        names = ("contact_person__first_name", "contact_person__last_name", "contact_person__username")
        qs = qs.select_related("contact_person").only(*LIST_FIELDS, "contact_person", *names)
    elif user.role in policy.DIS_ROLES:
        qs = qs.filter(competent_authority=user.agency)
    return list(qs[:limit])


def by_contact_person(cases: list[Case]) -> list[tuple[str, list[Case]]]:
    """The cases in a section per contact person, by name; the cases without one last ("" as the name)."""
    groups: dict[int | None, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.contact_person_id, []).append(case)
    named = sorted(
        ((str(rows[0].contact_person), rows) for key, rows in groups.items() if key is not None),
        key=lambda group: group[0].casefold(),
    )
    return [*named, *([("", groups[None])] if None in groups else [])]
