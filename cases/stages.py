"""Where a case stands in the whole lifecycle (../shared/domain.md): one rule, `case_stage`.

referral → identification → period → support → exit → reintegration → follow-up → closed

- referred, awaiting the assessment: referral;
- assessed as a victim, no period granted yet: identification;
- in its reflection or recovery period, while the period runs: period; after its last day: support;
- an exit under way (a prepared repatriation accepted, or another exit being prepared, `exit_prepared`): exit;
- returned home: reintegration while its reintegration support runs (a pending `reintegration_end`), then
  follow-up while that runs (a pending `follow_up_end`), and follow-up still once both have ended, until the
  case is closed;
- closed: closed (a case closed as "not a victim" went from identification straight to closed).

It reads the case's status, its period and its deadlines: the case page's query brings all three.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import policy

from .deadlines import DeadlineKind
from .lifecycle import current_representative
from .models import Case, Deadline
from .worklist import deadline_left


class Stage(models.TextChoices):
    REFERRAL = "referral", _("Henvisning")
    IDENTIFICATION = "identification", _("Identifikation")
    PERIOD = "period", _("Periode")
    SUPPORT = "support", _("Støtte")
    EXIT = "exit", _("Udrejse")
    REINTEGRATION = "reintegration", _("Reintegration")
    FOLLOW_UP = "follow_up", _("Opfølgning")
    CLOSED = "closed", _("Afsluttet")


LIFECYCLE = tuple(Stage)
# A case closed as "not a victim" went this way.
NOT_VICTIM_PATH = (Stage.REFERRAL, Stage.IDENTIFICATION, Stage.CLOSED)


def _pending(case: Case, kind: str) -> bool:
    return any(
        d.kind == kind and d.closed_at is None and d.status in (Deadline.Status.OPEN, Deadline.Status.MISSED)
        for d in case.deadlines.all()
    )


def _period_last_day(case: Case) -> dt.date | None:
    try:
        return case.period.last_day
    except ObjectDoesNotExist:
        return None


def case_stage(case: Case, *, exit_prepared: bool = False, today: dt.date | None = None) -> Stage:
    """The case's stage (see the module's docstring). `exit_prepared`: a prepared repatriation has been accepted,
    or another exit is under way (the exit's own app knows, and says so)."""
    status = case.status
    if status == Case.Status.CLOSED:
        return Stage.CLOSED
    if status == Case.Status.REFERRED:
        return Stage.REFERRAL
    if status == Case.Status.RETURNED:
        if _pending(case, DeadlineKind.REINTEGRATION_END):
            return Stage.REINTEGRATION
        return Stage.FOLLOW_UP
    if exit_prepared:
        return Stage.EXIT
    if status == Case.Status.IDENTIFIED:
        return Stage.IDENTIFICATION
    last_day = _period_last_day(case)
    if last_day is not None and (today or timezone.localdate()) > last_day:
        return Stage.SUPPORT
    return Stage.PERIOD


@dataclass(frozen=True)
class Step:
    stage: Stage
    number: int
    state: str  # "done", "current" or "todo"

    @property
    def current(self) -> bool:
        return self.state == "current"


def stage_steps(case: Case, stage: Stage) -> list[Step]:
    """The steps of the case's path for a step indicator: those before its stage done, its stage current."""
    path = NOT_VICTIM_PATH if case.exit_reason == Case.ExitReason.NOT_VICTIM else LIFECYCLE
    at = path.index(stage) if stage in path else len(path) - 1
    return [
        Step(step, number, "done" if number - 1 < at else "current" if number - 1 == at else "todo")
        for number, step in enumerate(path, start=1)
    ]


def overview_prepare(case: Case) -> None:
    """Before the case is redacted (access.fieldsets): its representative, and whether it is an unaccompanied
    minor's case (read from the date of birth, which a share's field set may hide)."""
    case.representative = current_representative(case)
    case.is_unaccompanied_minor = case.unaccompanied_minor
    case.needs_contact_person = case.contact_person_id is None and case.status in policy.VICTIM_STATES


def overview(case: Case, deadlines, *, exit_prepared: bool = False) -> dict:
    """The top of the case page: its stage in the lifecycle, its next pending deadline and the time left."""
    stage = case_stage(case, exit_prepared=exit_prepared)
    pending = [
        d for d in deadlines if d.closed_at is None and d.status in (Deadline.Status.OPEN, Deadline.Status.MISSED)
    ]
    next_deadline = min(pending, key=lambda d: d.due_at, default=None)
    return {
        "stage": stage,
        "steps": stage_steps(case, stage),
        "next_deadline": next_deadline,
        "next_left": deadline_left(next_deadline) if next_deadline else None,
    }
