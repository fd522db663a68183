"""Prepared repatriation, one transaction per transition: the change, its timeline event, its deadlines and its
audit row, after the stale-write check and the same conditions the case page explains (repatriation.rules)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access import policy
from access.policy import Action
from accounts.models import Role
from audit.models import AuditEvent
from audit.services import audit_record
from cases.deadlines import (
    DeadlineKind,
    end_of_day,
    follow_up_last_day,
    months_after,
    reintegration_last_day,
)
from cases.errors import DomainError
from cases.models import Case, CaseEvent
from cases.services import (
    case_check_state,
    case_save_transition,
    deadline_cancel,
    deadline_meet,
    deadline_open,
    event_record,
)
from grants.models import Share

from . import rules
from .attachments import MAX_FILES, AttachmentRefused, attachment_clean
from .models import FollowUpAttachment, FollowUpReport, ReintegrationSupport, Repatriation, currency_codes


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _raise_first(problems: list[DomainError]) -> None:
    if problems:
        raise problems[0]


def has_repatriation_share(*, case: Case, actor) -> bool:
    """The actor's organisation has a live share of the case for prepared repatriation (read now, not cached)."""
    if actor.team_id is None:
        return False
    return Share.objects.filter(
        case=case,
        team_id=actor.team_id,
        scope=Share.Scope.REPATRIATION,
        withdrawn_at__isnull=True,
        expires_on__gte=timezone.localdate(),
        grant__isnull=False,
    ).exists()


def _check(*, case: Case, actor, action: str, expected_version: int) -> Repatriation | None:
    """Role, stale write, state, authority and the action's conditions, on the repatriation row locked for the write."""
    policy.require(actor, action)
    case_check_state(case=case, action=action, expected_version=expected_version)
    rule = policy.POLICY[action]
    if rule.authority == "competent" and actor.agency != case.competent_authority:
        raise DomainError(
            _("%(authority)s er kompetent myndighed i sagen, så kun %(authority)s kan: %(action)s.")
            % {"authority": case.get_competent_authority_display(), "action": str(rule.description).lower()}
        )
    repatriation = Repatriation.objects.select_for_update().filter(case=case).first()
    share = actor.role == Role.IOM_OFFICER and has_repatriation_share(case=case, actor=actor)
    refused = rules.condition_refusal(
        action, user=actor, case=case, repatriation=repatriation, repatriation_share=share
    )
    if refused:
        raise DomainError(refused)
    return repatriation


def _bump(repatriation: Repatriation, fields: list[str]) -> None:
    repatriation.version += 1
    repatriation.updated_at = timezone.now()
    repatriation.save(update_fields=[*fields, "version", "updated_at"])


def _fields(prefix: str, names) -> list[str]:
    return [f"{prefix}.{name}" for name in names]


@transaction.atomic
def dublin_record(*, case: Case, actor, expected_version: int) -> Case:
    """Record that the case is a Dublin Regulation case: the person is transferred, not repatriated."""
    _check(case=case, actor=actor, action=Action.RECORD_DUBLIN, expected_version=expected_version)
    case_save_transition(case=case, expected_version=expected_version, dublin_regulation=True)
    event_record(case=case, actor=actor, event_type=CaseEvent.Type.DUBLIN_RECORDED, data={"authority": actor.agency})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="dublin_record",
        case=case,
        detail={"fields": ["case.dublin_regulation"]},
    )
    return case


@transaction.atomic
def repatriation_offer(*, case: Case, actor, expected_version: int, offered_on: dt.date) -> Repatriation:
    """Offer prepared repatriation; an offer the person declined may be made again (our rule: they may reconsider)."""
    repatriation = _check(case=case, actor=actor, action=Action.OFFER_REPATRIATION, expected_version=expected_version)
    _raise_first(rules.offer_problems(case=case, offered_on=offered_on))
    case_save_transition(case=case, expected_version=expected_version)
    # The destination is the person's country unless the plan says otherwise (none if the nationality is unknown).
    nationalities = case.person.nationalities or []
    destination = nationalities[0] if nationalities else ""
    changes = {
        "offered_on": offered_on,
        "offered_by": actor,
        "answer": Repatriation.Answer.PENDING,
        "answered_on": None,
        "reasons": "",
    }
    if repatriation is None:
        repatriation = Repatriation.objects.create(case=case, destination=destination, **changes)
    else:
        for name, value in changes.items():
            setattr(repatriation, name, value)
        _bump(repatriation, list(changes))
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REPATRIATION_OFFERED,
        data={"offered_on": offered_on, "authority": actor.agency},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if repatriation.version == 1 else AuditEvent.Action.UPDATE,
        what="repatriation_offer",
        case=case,
        detail={"fields": _fields("repatriation", ["offered_on", "offered_by", "answer", "destination"])},
    )
    return repatriation


def decision_problems(
    *, case: Case, repatriation: Repatriation | None, answered_on: dt.date | None
) -> list[DomainError]:
    """The domain's checks of the answer's date: not before the offer, not in the future."""
    if answered_on is None or repatriation is None:
        return []
    if answered_on > timezone.localdate():
        return [DomainError(_("Svaret kan ikke ligge i fremtiden."), field="answered_on")]
    if answered_on < repatriation.offered_on:
        return [
            DomainError(
                _("Svaret kan ikke ligge før tilbuddet, %(day)s.") % {"day": _day(repatriation.offered_on)},
                field="answered_on",
            )
        ]
    return []


@transaction.atomic
def repatriation_decide(
    *, case: Case, actor, expected_version: int, answer: str, answered_on: dt.date, reasons: str = ""
) -> Repatriation:
    """The person accepts or declines the offer, on `answered_on`, with their reasons if they gave any."""
    repatriation = _check(case=case, actor=actor, action=Action.DECIDE_REPATRIATION, expected_version=expected_version)
    if answer not in (Repatriation.Answer.ACCEPTED, Repatriation.Answer.DECLINED):
        raise DomainError(_("Vælg om personen tager imod eller afslår tilbuddet."), field="answer")
    _raise_first(decision_problems(case=case, repatriation=repatriation, answered_on=answered_on))
    case_save_transition(case=case, expected_version=expected_version)
    repatriation.answer, repatriation.answered_on, repatriation.reasons = answer, answered_on, reasons
    _bump(repatriation, ["answer", "answered_on", "reasons"])
    accepted = answer == Repatriation.Answer.ACCEPTED
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REPATRIATION_ACCEPTED if accepted else CaseEvent.Type.REPATRIATION_DECLINED,
        data={"answered_on": answered_on},
        reason=reasons,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="repatriation_decide",
        case=case,
        detail={"fields": _fields("repatriation", ["answer", "answered_on", "reasons"])},
    )
    return repatriation


def plan_problems(
    *, repatriation: Repatriation | None, planned_departure_on: dt.date | None, destination: str | None
) -> list[DomainError]:
    problems = []
    if destination == rules.DANISH:
        problems.append(DomainError(_("Destinationslandet kan ikke være Danmark."), field="destination"))
    answered_on = repatriation.answered_on if repatriation is not None else None
    if planned_departure_on and answered_on and planned_departure_on < answered_on:
        problems.append(
            DomainError(
                _("Udrejsen kan ikke planlægges før personen tog imod tilbuddet, %(day)s.")
                % {"day": _day(answered_on)},
                field="planned_departure_on",
            )
        )
    return problems


@transaction.atomic
def reintegration_plan_save(
    *,
    case: Case,
    actor,
    expected_version: int,
    reintegration_plan: str,
    destination: str,
    planned_departure_on: dt.date | None = None,
) -> Repatriation:
    """The individual reintegration plan, the destination country and the planned departure."""
    repatriation = _check(case=case, actor=actor, action=Action.RECORD_REINTEGRATION, expected_version=expected_version)
    _raise_first(
        plan_problems(repatriation=repatriation, planned_departure_on=planned_departure_on, destination=destination)
    )
    case_save_transition(case=case, expected_version=expected_version)
    changes = {
        "reintegration_plan": reintegration_plan,
        "destination": destination,
        "planned_departure_on": planned_departure_on,
    }
    for name, value in changes.items():
        setattr(repatriation, name, value)
    _bump(repatriation, list(changes))
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REINTEGRATION_PLAN_SAVED,
        data={"destination": destination, "planned_departure_on": planned_departure_on},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="reintegration_plan_save",
        case=case,
        detail={"fields": _fields("repatriation", changes)},
    )
    return repatriation


def support_problems(
    *,
    amount: Decimal | None,
    currency: str | None,
    paid_to_family_member: bool | None,
    family_member_reason: str | None,
) -> list[DomainError]:
    """The domain's checks of a support item, all of them (a None value is not checked)."""
    problems = []
    if amount is not None and amount <= 0:
        problems.append(DomainError(_("Beløbet skal være større end 0."), field="amount"))
    if currency is not None and currency not in currency_codes():
        problems.append(
            DomainError(
                _("Skriv valutaen som en gyldig ISO 4217-kode med tre bogstaver, for eksempel EUR, NGN eller USD."),
                field="currency",
            )
        )
    if paid_to_family_member and family_member_reason is not None and not family_member_reason.strip():
        problems.append(
            DomainError(_("Angiv hvorfor støtten udbetales til et familiemedlem."), field="family_member_reason")
        )
    return problems


@transaction.atomic
def reintegration_support_add(
    *,
    case: Case,
    actor,
    expected_version: int,
    kind: str,
    amount: Decimal,
    currency: str,
    paid_to_family_member: bool = False,
    family_member_reason: str = "",
    note: str = "",
) -> ReintegrationSupport:
    """One item of reintegration support; paid to a family member only with the reason recorded."""
    repatriation = _check(case=case, actor=actor, action=Action.RECORD_REINTEGRATION, expected_version=expected_version)
    _raise_first(
        support_problems(
            amount=amount,
            currency=currency,
            paid_to_family_member=paid_to_family_member,
            family_member_reason=family_member_reason,
        )
    )
    case_save_transition(case=case, expected_version=expected_version)
    item = ReintegrationSupport.objects.create(
        repatriation=repatriation,
        kind=kind,
        amount=amount,
        currency=currency,
        paid_to_family_member=paid_to_family_member,
        family_member_reason=family_member_reason if paid_to_family_member else "",
        note=note,
        recorded_by=actor,
    )
    _bump(repatriation, [])
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REINTEGRATION_SUPPORT_ADDED,
        data={
            "support": kind,
            "amount": str(amount),
            "currency": currency,
            "paid_to_family_member": paid_to_family_member,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        what="reintegration_support_add",
        case=case,
        detail={
            "fields": _fields(
                "reintegration_support",
                ["kind", "amount", "currency", "paid_to_family_member", "family_member_reason", "note"],
            )
        },
    )
    return item


def return_problems(*, repatriation: Repatriation | None, returned_on: dt.date | None) -> list[DomainError]:
    """The return's date: not in the future, not before the person accepted the offer."""
    if returned_on is None:
        return []
    if returned_on > timezone.localdate():
        return [DomainError(_("Hjemrejsen kan ikke ligge i fremtiden."), field="returned_on")]
    if repatriation is not None and repatriation.answered_on and returned_on < repatriation.answered_on:
        return [
            DomainError(
                _("Hjemrejsen kan ikke ligge før personen tog imod tilbuddet, %(day)s.")
                % {"day": _day(repatriation.answered_on)},
                field="returned_on",
            )
        ]
    return []


@transaction.atomic
def return_record(*, case: Case, actor, expected_version: int, returned_on: dt.date) -> Repatriation:
    """The actual return: the case moves to reintegration, and the two periods after it start as deadlines.

    Reintegration support ends at the end of `reintegration_last_day`, follow-up at the end of `follow_up_last_day`
    (cases.deadlines: six months, and six more, by the one month rule). The person has left the period's care,
    so an open period deadline no longer applies; nor do the action plan's reviews, which follow support in
    Denmark (follow-up reports take their place).
    """
    repatriation = _check(case=case, actor=actor, action=Action.RECORD_RETURN, expected_version=expected_version)
    _raise_first(return_problems(repatriation=repatriation, returned_on=returned_on))
    case_save_transition(case=case, expected_version=expected_version, status=Case.Status.RETURNED, exit_on=returned_on)
    repatriation.returned_on = returned_on
    _bump(repatriation, ["returned_on"])
    deadline_cancel(case=case, kind=DeadlineKind.PERIOD_END)
    deadline_cancel(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW)
    support_ends, follow_up_ends = reintegration_last_day(returned_on), follow_up_last_day(returned_on)
    deadline_open(case=case, kind=DeadlineKind.REINTEGRATION_END, due_at=end_of_day(support_ends))
    deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP_END, due_at=end_of_day(follow_up_ends))
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.RETURN_RECORDED,
        data={
            "returned_on": returned_on,
            "reintegration_last_day": support_ends,
            "follow_up_last_day": follow_up_ends,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="return_record",
        case=case,
        detail={"fields": ["case.status", "case.exit_on", "repatriation.returned_on", "deadline.due_at"]},
    )
    return repatriation


def report_problems(
    *, repatriation: Repatriation | None, written_on: dt.date | None, files: list | None
) -> list[DomainError]:
    """The report's date (after the return, not in the future) and each attachment, by its content."""
    problems = []
    if written_on is not None:
        if written_on > timezone.localdate():
            problems.append(DomainError(_("Rapportdatoen kan ikke ligge i fremtiden."), field="written_on"))
        elif repatriation is not None and repatriation.returned_on and written_on < repatriation.returned_on:
            problems.append(
                DomainError(
                    _("Rapporten kan ikke være skrevet før hjemrejsen, %(day)s.")
                    % {"day": _day(repatriation.returned_on)},
                    field="written_on",
                )
            )
    files = files or []
    if len(files) > MAX_FILES:
        problems.append(
            DomainError(_("Vedhæft højst %(max)s filer til én rapport.") % {"max": MAX_FILES}, field="attachments")
        )
    return problems


def attachments_clean(files: list[tuple[str, bytes]]) -> tuple[list, list[DomainError]]:
    """Each (label, content) checked: the cleaned attachments, and a problem naming each one refused."""
    cleaned, problems = [], []
    for label, content in files:
        try:
            cleaned.append(attachment_clean(content))
        except AttachmentRefused as refused:
            problems.append(DomainError(f"{label}: {refused.message}", field="attachments"))
    return cleaned, problems


# A report dated in a period's last month, or after it, is the organisation's report on that period: it closes the
# period's deadline (met, or met late after its end). Our rule: the deadlines are when those reports are due.
REPORTED_PERIODS = (
    (DeadlineKind.REINTEGRATION_END, 6 - 1),
    (DeadlineKind.FOLLOW_UP_END, 12 - 1),
)


@transaction.atomic
def follow_up_report_add(
    *,
    case: Case,
    actor,
    expected_version: int,
    written_on: dt.date,
    text: str,
    attachments: list[tuple[str, bytes]] | None = None,
) -> FollowUpReport:
    """A follow-up report after the return, with its attachments (checked, cleaned of metadata, encrypted)."""
    repatriation = _check(case=case, actor=actor, action=Action.ADD_FOLLOW_UP_REPORT, expected_version=expected_version)
    attachments = attachments or []
    cleaned, refused = attachments_clean(attachments)
    _raise_first([*report_problems(repatriation=repatriation, written_on=written_on, files=attachments), *refused])
    case_save_transition(case=case, expected_version=expected_version)
    report = FollowUpReport.objects.create(case=case, written_on=written_on, text=text, author=actor)
    stored = [
        FollowUpAttachment.objects.create(
            report=report, number=number, kind=item.kind, size=len(item.content), content=item.content
        )
        for number, item in enumerate(cleaned, start=1)
    ]
    if repatriation is not None and repatriation.returned_on:
        at = min(timezone.now(), end_of_day(written_on) - dt.timedelta(microseconds=1))
        for kind, months in REPORTED_PERIODS:
            if written_on >= months_after(repatriation.returned_on, months):
                deadline_meet(case=case, kind=kind, at=at)
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.FOLLOW_UP_REPORT_ADDED,
        data={
            "report": report.pk,
            "written_on": written_on,
            "attachments": [{"pk": a.pk, "number": a.number, "kind": a.kind} for a in stored],
        },
        reason=text,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        what="follow_up_report_add",
        case=case,
        detail={"fields": ["follow_up_report.written_on", "follow_up_report.text"], "attachments": len(stored)},
    )
    return report
