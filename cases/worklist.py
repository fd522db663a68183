"""The start page's worklist, "Mine opgaver": what needs the user now, most urgent first.

A task is a pending deadline, a hand-over waiting for the user's agency, a share whose consent ends soon,
a running support service that ends within two weeks (a caseworker's own cases, support/), or (for a
CMM coordinator) a victim's case without a contact person. Each points at the action that meets
it, or at the case page when no single action does or the user may not take it.

Urgency, the same on the start page and the case page's banner:
- a deadline of hours (identification 72 h, notification 24 h) is close with less than 24 hours left;
- a deadline of days (a period's end) and a consent's end are close from three days before their last day
  (its last day is at most three days away);
- past its time (or its last day) it is overdue.
Hours are counted down in hours ("om 18 timer"); days in days to the last day ("om 3 dage", "i morgen").

The tasks are two queries whatever the data: one UNION of the task kinds (each part walks an index in
order and stops at `PER_KIND`), and one for the cases they belong to.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import CharField, DateField, DateTimeField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import fieldsets, policy
from accounts.models import Role
from cmm.compiled_sql import ShapeCache
from grants.models import Handover, Share

from .deadlines import DAY_DEADLINES, DeadlineKind
from .models import Case, Deadline

SHOWN = 20  # the start page shows the 20 most urgent tasks: a morning's list, not a register
PER_KIND = SHOWN + 1  # rows per task kind: the most urgent SHOWN of all kinds are among them; one more tells of more
HOURS_CLOSE = 24
DAYS_CLOSE = 3
SHARE_ENDING_DAYS = 14  # a consent ending within two weeks is a task: ask the person to renew it

OVERDUE = "overdue"
CLOSE = "close"

HANDOVER = "handover"
SHARE_ENDING = "share_ending"
UNASSIGNED = "unassigned"
# A support service the person receives that ends within two weeks (support/): arrange what comes after it.
SUPPORT_ENDING = "support_ending"
SUPPORT_ENDING_DAYS = 14

# The action that meets each deadline kind.
DEADLINE_ACTIONS = {
    DeadlineKind.IDENTIFICATION: (policy.Action.ASSESS, "identification:assess"),
    DeadlineKind.NOT_VICTIM_NOTIFICATION: (policy.Action.RECORD_NOTIFICATION, "cases:record_notification"),
    DeadlineKind.PERIOD_END: (policy.Action.EXTEND_PERIOD, "identification:extend_period"),
}
# What the link to each page says (the case page's buttons say the same).
ACTION_LABELS = {
    "identification:assess": _("Registrér vurdering"),
    "cases:record_notification": _("Registrér underretning"),
    "identification:extend_period": _("Forlæng perioden"),
    "grants:handover_decide": _("Tag stilling til overdragelse"),
    "cases:assign_contact_person": _("Tildel kontaktperson"),
    "cases:detail": _("Se sagen"),
    "support:services": _("Se støtten"),
}
PENDING = Q(closed_at__isnull=True, status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED])
VICTIM_STATES = tuple(policy.VICTIM_STATES)
_PENDING_NOTIFICATION = Deadline.objects.filter(PENDING, case=OuterRef("pk"), kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)


@dataclass(frozen=True)
class TimeLeft:
    """Time left before a moment, in the unit people count it in: negative once it has passed."""

    amount: int
    unit: str  # "days", "hours" or "minutes"

    @property
    def overdue(self) -> bool:
        return self.amount < 0


def time_left(*, due_at: dt.datetime | None = None, last_day: dt.date | None = None, now=None) -> TimeLeft:
    """Days to `last_day` (0 is today, -1 yesterday), or whole hours (minutes under one) to `due_at`.

    Rounded towards the deadline: "om 18 timer" is at least 18 hours; "2 timer over" at least 2 hours late.
    Lateness beyond two days is counted in days ("3 dage over").
    """
    now = now or timezone.now()
    if last_day is not None:
        return TimeLeft((last_day - timezone.localdate(now)).days, "days")
    seconds = (due_at - now).total_seconds()
    late = seconds < 0
    seconds = abs(seconds)
    if late and seconds >= 48 * 3600:
        return TimeLeft(-int(seconds // 86400), "days")
    if seconds >= 3600:
        hours = int(seconds // 3600)
        return TimeLeft(-hours if late else hours, "hours")
    minutes = max(int(seconds // 60), 1)
    return TimeLeft(-minutes if late else minutes, "minutes")


def urgency(left: TimeLeft) -> str | None:
    """OVERDUE, CLOSE or None, by the thresholds in the module's docstring."""
    if left.overdue:
        return OVERDUE
    if left.unit == "days":
        return CLOSE if left.amount <= DAYS_CLOSE else None
    return CLOSE if left.unit == "minutes" or left.amount < HOURS_CLOSE else None


def deadline_left(deadline, now=None) -> TimeLeft:
    """A deadline's time left: days to its last day for a deadline of days, hours for the others."""
    if deadline.kind in DAY_DEADLINES:
        return time_left(last_day=deadline.last_day, now=now)
    return time_left(due_at=deadline.due_at, now=now)


def deadline_action(user, deadline, case: Case) -> str:
    """The URL name of the page that meets the deadline if the user may take that action now, else the case page."""
    action, url_name = DEADLINE_ACTIONS.get(deadline.kind, (None, ""))
    if action and policy.can(user, action, case):
        return url_name
    return "cases:detail"


_NUMBER = "CMM-0000-0000"


@functools.cache
def _url_pattern(url_name: str) -> str:
    # Reversing a URL per row is a measurable share of a list page: reversed once, the number put in.
    return reverse(url_name, args=[_NUMBER])


@dataclass
class Task:
    kind: str  # a deadline kind, HANDOVER, SHARE_ENDING or UNASSIGNED
    case: Case
    url_name: str  # the page the task links to, for the case
    left: TimeLeft | None = None  # None: no time to count (a hand-over, an unassigned case)
    since: dt.datetime | None = None  # when it began (a hand-over's request, a case's opening)
    detail: str = ""  # the other organisation or agency
    name: str = ""  # the person's name, if the user's field set shows it

    @property
    def urgency(self) -> str | None:
        return urgency(self.left) if self.left else None

    @property
    def url(self) -> str:
        return _url_pattern(self.url_name).replace(_NUMBER, self.case.number)

    @property
    def action(self) -> str:
        return str(ACTION_LABELS[self.url_name])

    def sort_key(self):
        # Overdue, then close, then what waits for a decision, then the rest by time left.
        level = {OVERDUE: 0, CLOSE: 1}.get(self.urgency, 2 if self.left is None else 3)
        if self.left is None:
            return (level, 0, self.since.timestamp() if self.since else 0)
        scale = {"days": 86400, "hours": 3600, "minutes": 60}[self.left.unit]
        return (level, self.left.amount * scale, 0)


def _row(qs: QuerySet, *, case, kind, at=None, day=None, detail=None, ref) -> QuerySet:
    """One part of the UNION: the same six columns, in the same order, each an annotation; PER_KIND rows."""
    return qs.annotate(
        t_case=case,
        t_kind=kind,
        # A typed NULL: PostgreSQL takes a bare NULL for text, which a UNION cannot match with a date.
        t_at=at if at is not None else Cast(Value(None), output_field=DateTimeField()),
        t_day=day if day is not None else Cast(Value(None), output_field=DateField()),
        t_detail=detail if detail is not None else Value("", output_field=CharField()),
        t_ref=ref,
    ).values_list("t_case", "t_kind", "t_at", "t_day", "t_detail", "t_ref")[:PER_KIND]


def _kind(value: str) -> Value:
    return Value(value, output_field=CharField())


def _coordinator_scope(user, visible: QuerySet[Case]) -> QuerySet[Case]:
    """A coordinator's team's cases (all their scope if they have no team)."""
    return visible.filter(team_id=user.team_id) if user.team_id else visible


def _own_scope(user, visible: QuerySet[Case]) -> QuerySet[Case]:
    """The cases whose tasks are the user's: a contact person's own, and their team's that have none."""
    if user.role == Role.CMM_CONTACT_PERSON:
        mine = Q(contact_person_id=user.pk)
        if user.team_id:
            mine |= Q(team_id=user.team_id, contact_person__isnull=True)
        return visible.filter(mine)
    if user.role in policy.DIS_ROLES:
        return visible.filter(competent_authority=user.agency)
    return visible


def task_parts(user, visible: QuerySet[Case], now) -> list[QuerySet]:
    coordinator = user.role in (Role.CMM_COORDINATOR, Role.DIS_COORDINATOR)
    scope = _coordinator_scope(user, visible) if coordinator else _own_scope(user, visible)
    deadlines = Deadline.objects.filter(PENDING, case__in=scope.values("pk"))
    if coordinator:
        deadlines = deadlines.filter(due_at__lt=now)  # the team's overdue deadlines; the rest is the team's own
    kinds = fieldsets.list_fields(user).deadline_kinds
    if kinds is not None:
        deadlines = deadlines.filter(kind__in=kinds)
    ref = F("id")
    parts = [_row(deadlines.order_by("due_at"), case=F("case_id"), kind=F("kind"), at=F("due_at"), ref=ref)]
    open_states = list(policy.OPEN_STATES)
    if policy.role_may(user, policy.Action.DECIDE_HANDOVER):
        handovers = Handover.objects.filter(
            status=Handover.Status.PENDING,
            to_authority=user.agency,
            case__in=visible.filter(status__in=open_states).values("pk"),
        ).order_by("requested_at")
        parts.append(
            _row(
                handovers,
                case=F("case_id"),
                kind=_kind(HANDOVER),
                at=F("requested_at"),
                detail=F("from_authority"),
                ref=ref,
            )
        )
    if policy.role_may(user, policy.Action.SHARE):
        today = timezone.localdate(now)
        shares = Share.objects.filter(
            withdrawn_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=SHARE_ENDING_DAYS),
            case__in=scope.filter(status__in=open_states).values("pk"),
        ).order_by("expires_on")
        parts.append(
            _row(
                shares,
                case=F("case_id"),
                kind=_kind(SHARE_ENDING),
                day=F("expires_on"),
                detail=F("team__name"),
                ref=ref,
            )
        )
    if policy.role_may(user, policy.Action.RECORD_SUPPORT) and not coordinator:
        parts.append(_support_ending_part(scope, now))
    if user.role == Role.CMM_COORDINATOR:
        unassigned = visible.filter(status__in=VICTIM_STATES, contact_person__isnull=True)
        if user.team_id:
            unassigned = unassigned.filter(Q(team_id=user.team_id) | Q(team__isnull=True))
        parts.append(
            _row(
                unassigned.order_by("created_at"),
                case=F("id"),
                kind=_kind(UNASSIGNED),
                at=F("created_at"),
                ref=Value(0, output_field=IntegerField()),
            )
        )
    return parts


def _support_ending_part(scope: QuerySet[Case], now) -> QuerySet:
    """The running services of the user's own cases whose last day is within SUPPORT_ENDING_DAYS (detail: the type)."""
    from support.models import SupportService  # support builds on cases: imported where it is used

    today = timezone.localdate(now)
    ending = SupportService.objects.filter(
        status=SupportService.Status.ACCEPTED,
        ends_on__gte=today,
        ends_on__lte=today + dt.timedelta(days=SUPPORT_ENDING_DAYS),
        case__in=scope.filter(status__in=list(policy.SUPPORT_STATES)).values("pk"),
    ).order_by("ends_on")
    return _row(ending, case=F("case_id"), kind=_kind(SUPPORT_ENDING), day=F("ends_on"), detail=F("type"), ref=F("id"))


def _union(user, now, visible: QuerySet[Case] | None = None) -> QuerySet:
    """The task kinds in one UNION (cached compiled per user shape as _UNION: see cmm.compiled_sql)."""
    visible = policy.visible_cases(user, now=now) if visible is None else visible
    first, *others = task_parts(user, visible, now)
    return first.union(*others, all=True) if others else first


# Built and compiled once per user shape; each request puts its user's ids and its time into the parameters.
_UNION = ShapeCache(_union)


def tasks_for(user, *, visible: QuerySet[Case] | None = None, now=None) -> list[Task]:
    """The user's tasks, most urgent first (two queries)."""
    now = now or timezone.now()
    rows = _UNION.rows(user, now) if visible is None else list(_union(user, now, visible))
    if not rows:
        return []
    names = "person.given_name" in fieldsets.list_fields(user)
    fields = ["id", "number", "status", "competent_authority", "exit_reason"]
    if names:
        fields += ["person__given_name", "person__family_name"]
    # Whether an action applies reads the case's period (access.policy.refusal): it comes along in one join.
    fields += ["period__case_id", "period__kind", "period__starts_on", "period__days_total"]
    cases_qs = (
        Case.objects.filter(pk__in={row[0] for row in rows})
        .select_related("period", *(["person"] if names else []))
        # Whether a notification is still to record: the one condition (access.policy.notification_refusal)
        # that would read the case's deadlines, answered in the same query.
        .annotate(notification_pending=Exists(_PENDING_NOTIFICATION))
        .only(*fields)
    )
    cases = {case.pk: case for case in cases_qs}
    tasks = []
    for case_id, kind, at, day, detail, _ref in rows:
        case = cases[case_id]
        task = Task(kind=kind, case=case, url_name="cases:detail", detail=detail)
        if names:
            task.name = case.person.full_name
        if kind == HANDOVER:
            task.since = at
            task.url_name = "grants:handover_decide"
        elif kind == SHARE_ENDING:
            task.left = time_left(last_day=day, now=now)
        elif kind == SUPPORT_ENDING:
            task.left = time_left(last_day=day, now=now)
            task.url_name = "support:services"
        elif kind == UNASSIGNED:
            task.since = at
            if policy.can(user, policy.Action.ASSIGN_CONTACT_PERSON, case):
                task.url_name = "cases:assign_contact_person"
        else:
            deadline = Deadline(kind=kind, due_at=at)
            task.left = deadline_left(deadline, now)
            task.url_name = deadline_action(user, deadline, case)
        tasks.append(task)
    tasks.sort(key=Task.sort_key)
    return tasks


def urgent_deadline(user, case: Case, deadlines, now=None) -> dict | None:
    """The case page's banner: its most urgent pending deadline if close or overdue, and the page that meets it."""
    urgent = []
    for deadline in deadlines:
        if deadline.closed_at is not None or deadline.status not in (Deadline.Status.OPEN, Deadline.Status.MISSED):
            continue
        left = deadline_left(deadline, now)
        if urgency(left):
            urgent.append((deadline.due_at, deadline, left))
    if not urgent:
        return None
    _due, deadline, left = min(urgent, key=lambda item: item[0])
    url_name = deadline_action(user, deadline, case)
    return {
        "deadline": deadline,
        "left": left,
        "overdue": left.overdue,
        # No link to the case page from the case page itself: only to an action that meets the deadline.
        "url": _url_pattern(url_name).replace(_NUMBER, case.number) if url_name != "cases:detail" else "",
        "action": ACTION_LABELS[url_name],
    }
