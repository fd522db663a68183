"""Shares with consent, break-the-glass, hand-overs and the residence-status changes that start them.

Each write is one audited transaction.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from access.policy import Action
from accounts.models import Agency, Team
from audit.models import AuditEvent
from audit.services import alert_review, audit_record
from cases.codes import ResidenceStatus
from cases.deadlines import end_of_day
from cases.errors import DomainError, NotAllowed
from cases.models import Case, CaseEvent, CaseGroupObjectPermission, CaseUserObjectPermission, Referral
from cases.services import (
    case_check_state,
    case_check_status,
    case_save_transition,
    competent_authority,
    event_record,
)
from cmm.validators import CONSENT_YEARS, years_after
from ops.batches import in_batches

from .models import EmergencyAccess, Handover, Share

SHAREABLE_AGENCIES = (Agency.NGO, Agency.IOM)

# The refusals while a hand-over is pending: the policy's, which the pages then not offered say too.
HANDOVER_PENDING = policy.HANDOVER_PENDING
RESIDENCE_CHANGE_HANDOVER_PENDING = policy.RESIDENCE_CHANGE_HANDOVER_PENDING


def _refuse_emergency_access(*, case: Case, actor) -> None:
    """Break-the-glass is for reading: a case outside one's scope is not one's to share."""
    if EmergencyAccess.objects.filter(case=case, user=actor, expires_at__gt=timezone.now()).exists():
        raise NotAllowed(_("Nødadgang giver kun adgang til at læse sagen, ikke til at dele den."))


ALREADY_SHARED = gettext_lazy("Sagen er allerede delt med denne organisation.")


def share_problems(
    *, case: Case, team: Team | None, consent_given_on: dt.date | None, expires_on: dt.date | None
) -> list[DomainError]:
    """The domain's checks of a share's input, all of them (a None value is not checked)."""
    problems = []
    today = timezone.localdate()
    if team is not None and team.agency not in SHAREABLE_AGENCIES:
        problems.append(DomainError(_("Sager kan kun deles med en NGO eller IOM."), field="team"))
    elif (
        team is not None
        and Share.objects.filter(case=case, team=team, withdrawn_at__isnull=True, expires_on__gte=today).exists()
    ):
        problems.append(
            DomainError(
                _("Sagen er allerede delt med %(team)s. Vælg en anden organisation.") % {"team": team.name},
                field="team",
            )
        )
    if consent_given_on is not None and consent_given_on > today:
        problems.append(DomainError(_("Samtykket kan ikke være givet i fremtiden."), field="consent_given_on"))
    if expires_on is None:
        return problems
    # Before "already expired": that would also catch every expiry before the consent, and say less.
    if consent_given_on is not None and expires_on < consent_given_on:
        problems.append(DomainError(_("Samtykket kan ikke udløbe, før det er givet."), field="expires_on"))
    elif expires_on < today:
        problems.append(
            DomainError(_("Samtykket er allerede udløbet. Skriv den sidste dag, samtykket gælder."), field="expires_on")
        )
    elif consent_given_on is not None and expires_on > years_after(consent_given_on, CONSENT_YEARS):
        problems.append(
            DomainError(
                _("Et samtykke kan højst gælde i to år fra det blev givet, det vil sige til og med %(latest)s.")
                % {"latest": date_format(years_after(consent_given_on, CONSENT_YEARS), "DATE_FORMAT")},
                field="expires_on",
            )
        )
    return problems


@transaction.atomic
def share_create(
    *,
    case: Case,
    actor,
    expected_version: int,
    team: Team,
    scope: str,
    consent_given_on: dt.date,
    expires_on: dt.date,
    request=None,
) -> Share:
    """Share the case with an NGO or the IOM on the person's consent, until the consent expires."""
    policy.require(actor, Action.SHARE)
    _refuse_emergency_access(case=case, actor=actor)
    if case.status not in policy.POLICY[Action.SHARE].states:
        raise DomainError(_("En afsluttet sag kan ikke deles."))
    if team.agency not in SHAREABLE_AGENCIES:
        raise DomainError(_("Sager kan kun deles med en NGO eller IOM."), field="team")
    problems = share_problems(case=case, team=team, consent_given_on=consent_given_on, expires_on=expires_on)
    if problems:
        raise problems[0]
    case_save_transition(case=case, expected_version=expected_version)
    # A lapsed grant from an earlier consent may still be there; the new consent replaces it.
    CaseGroupObjectPermission.objects.filter(group=team.group, content_object=case).delete()
    try:
        with transaction.atomic():
            grant = CaseGroupObjectPermission.objects.create(
                group=team.group,
                permission_id=policy.view_permission_id(),
                content_object=case,
                expires_at=end_of_day(expires_on),
            )
    except IntegrityError:  # another share for the organisation was saved at the same moment
        raise DomainError(str(ALREADY_SHARED), field="team") from None
    share = Share.objects.create(
        case=case,
        team=team,
        scope=scope,
        consent_given_on=consent_given_on,
        expires_on=expires_on,
        recorded_by=actor,
        grant=grant,
    )
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.SHARED,
        data={"team": team.name, "scope": scope, "expires_on": expires_on},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="share_create",
        case=case,
        detail={"team": team.pk, "scope": scope},
        request=request,
    )
    return share


@transaction.atomic
def share_withdraw(*, share: Share, actor, request=None) -> Share:
    """The person withdrew their consent: the organisation loses access at once."""
    policy.require(actor, Action.WITHDRAW_SHARE)
    _refuse_emergency_access(case=share.case, actor=actor)
    share = Share.objects.select_for_update().get(pk=share.pk)
    if share.withdrawn_at is not None:
        raise DomainError(_("Delingen er allerede tilbagekaldt."))
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = actor
    share.save(update_fields=["withdrawn_at", "withdrawn_by"])
    if share.grant_id:
        CaseGroupObjectPermission.objects.filter(pk=share.grant_id).delete()
    event_record(
        case=share.case, actor=actor, event_type=CaseEvent.Type.SHARE_WITHDRAWN, data={"team": share.team.name}
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="share_withdraw",
        case=share.case,
        detail={"team": share.team_id},
        request=request,
    )
    return share


@transaction.atomic
def emergency_access_open(*, number: str, actor, reason: str, request=None) -> Case:
    """Break the glass: open a case outside the coordinator's scope for a stated reason, for a while."""
    policy.require(actor, Action.BREAK_THE_GLASS)
    if len(reason.strip()) < 20:
        raise DomainError(_("Begrund nødadgangen (mindst 20 tegn)."), field="reason")
    case = Case.objects.filter(number=number.strip().upper()).first()
    if case is None:
        raise DomainError(_("Der findes ingen sag med det nummer."), field="number")
    if policy.visible_cases(actor).filter(pk=case.pk).exists():
        raise DomainError(_("Du har allerede adgang til sagen; nødadgang er ikke nødvendig."), field="number")
    now = timezone.now()
    expires_at = now + dt.timedelta(hours=settings.BREAK_THE_GLASS_HOURS)
    grant, _created = CaseUserObjectPermission.objects.update_or_create(
        user=actor,
        permission_id=policy.view_permission_id(),
        content_object=case,
        defaults={"expires_at": expires_at},
    )
    emergency = EmergencyAccess.objects.create(case=case, user=actor, reason=reason, expires_at=expires_at, grant=grant)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.READ,
        what="break_the_glass",
        case=case,
        purpose=AuditEvent.Purpose.BREAK_THE_GLASS,
        detail={"emergency_access": emergency.pk},
        request=request,
    )
    return case


def emergency_access_review(*, emergency: EmergencyAccess, actor, request=None) -> EmergencyAccess:
    """The data-protection auditor has looked at the alert."""
    return alert_review(
        alert=emergency,
        actor=actor,
        what="break_the_glass_review",
        case=emergency.case_id,
        detail={"emergency_access": emergency.pk},
        request=request,
    )


@transaction.atomic
def handover_request(*, case: Case, actor, expected_version: int, reason: str, request=None) -> Handover:
    """Ask the other authority to take over the case (for example after a change of residence status)."""
    policy.require(actor, Action.REQUEST_HANDOVER)
    if actor.agency != case.competent_authority:
        raise DomainError(_("Kun den kompetente myndighed kan anmode om overdragelse."))
    if case.status not in policy.POLICY[Action.REQUEST_HANDOVER].states:
        raise DomainError(_("En afsluttet sag kan ikke overdrages."))
    if not reason.strip():
        raise DomainError(_("Begrund anmodningen."), field="reason")
    case_save_transition(case=case, expected_version=expected_version)
    to = Agency.DIS if case.competent_authority == Agency.CMM else Agency.CMM
    return _handover_open(case=case, actor=actor, to=to, reason=reason, request=request)


def _handover_open(*, case: Case, actor, to: str, reason: str, request=None) -> Handover:
    """Ask `to` to take the case over: the request, its timeline event and its audit row (the caller saved the case)."""
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                case=case, from_authority=case.competent_authority, to_authority=to, reason=reason, requested_by=actor
            )
    except IntegrityError:  # another request was saved at the same moment
        raise DomainError(str(HANDOVER_PENDING)) from None
    event_record(case=case, actor=actor, event_type=CaseEvent.Type.HANDOVER_REQUESTED, data={"to": to}, reason=reason)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, what="handover_request", case=case, request=request)
    return handover


def residence_status_problems(*, case: Case, residence_status: str | None, reason: str | None) -> list[DomainError]:
    """The domain's checks of a residence-status change, all of them (a None value is not checked)."""
    problems = []
    if residence_status is not None and residence_status not in ResidenceStatus.values:
        problems.append(DomainError(_("Vælg det nye opholdsgrundlag."), field="residence_status"))
    elif residence_status is not None and residence_status == case.referral.residence_status:
        problems.append(
            DomainError(
                _("Opholdsgrundlaget er allerede “%(residence)s”. Vælg det nye opholdsgrundlag.")
                % {"residence": ResidenceStatus(residence_status).label},
                field="residence_status",
            )
        )
    if reason is not None and not reason.strip():
        problems.append(DomainError(_("Begrund ændringen."), field="reason"))
    return problems


@transaction.atomic
def residence_status_change(
    *, case: Case, actor, expected_version: int, residence_status: str, reason: str, request=None
) -> Case:
    """Record the person's new residence status; if it makes the other authority competent, ask it to take over.

    The referral's `residence_status` becomes the new one and `residence_status_at_referral` keeps the one the
    statistics count; the timeline event holds the old and new status, so every change stays on record. The case
    stays with its authority until the other one accepts the hand-over (handover_decide).
    """
    action = Action.CHANGE_RESIDENCE_STATUS
    policy.require(actor, action)
    case_check_state(case=case, action=action, expected_version=expected_version)
    if actor.agency != case.competent_authority:
        raise DomainError(
            _("Kun den kompetente myndighed, %(authority)s, kan registrere et ændret opholdsgrundlag.")
            % {"authority": case.get_competent_authority_display()}
        )
    if Handover.objects.filter(case=case, status=Handover.Status.PENDING).exists():
        raise DomainError(str(RESIDENCE_CHANGE_HANDOVER_PENDING))
    problems = residence_status_problems(case=case, residence_status=residence_status, reason=reason)
    if problems:
        raise problems[0]
    referral = case.referral
    old = referral.residence_status
    authority = competent_authority(residence_status)
    handover_to = authority if authority != case.competent_authority else None
    case_save_transition(case=case, expected_version=expected_version)
    Referral.objects.filter(pk=referral.pk).update(residence_status=residence_status)
    referral.residence_status = residence_status
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.RESIDENCE_STATUS_CHANGED,
        data={"old": old, "new": residence_status, "handover_to": handover_to},
        reason=reason,
    )
    if handover_to:
        _handover_open(case=case, actor=actor, to=handover_to, reason=reason, request=request)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="residence_status_change",
        case=case,
        detail={"fields": ["case.version", "referral.residence_status"], "handover_to": handover_to},
        request=request,
    )
    return case


@transaction.atomic
def handover_decide(
    *, case: Case, actor, expected_version: int, accept: bool, decision_reason: str = "", request=None
) -> Handover:
    """The receiving agency accepts (the case becomes theirs) or rejects the pending hand-over."""
    policy.require(actor, Action.DECIDE_HANDOVER)
    case_check_status(case=case, action=Action.DECIDE_HANDOVER)
    handover = Handover.objects.select_for_update().filter(case=case, status=Handover.Status.PENDING).first()
    if handover is None:
        raise DomainError(_("Der er ingen anmodning om overdragelse at tage stilling til."))
    if actor.agency != handover.to_authority:
        raise DomainError(_("Kun den myndighed, sagen overdrages til, kan tage stilling til anmodningen."))
    if actor.role not in policy.POLICY[Action.DECIDE_HANDOVER].roles:
        raise DomainError(_("Din rolle giver ikke adgang til denne handling."))
    if not accept and not decision_reason.strip():
        raise DomainError(_("Begrund afvisningen."), field="decision_reason")
    # The CMM team and contact person stay on an accepted case: CMM's support goes on whoever assesses.
    changes = {"competent_authority": handover.to_authority} if accept else {}
    case_save_transition(case=case, expected_version=expected_version, **changes)
    handover.status = Handover.Status.ACCEPTED if accept else Handover.Status.REJECTED
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    handover.decision_reason = decision_reason
    handover.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.HANDOVER_ACCEPTED if accept else CaseEvent.Type.HANDOVER_REJECTED,
        data={"from": handover.from_authority, "to": handover.to_authority},
        reason=decision_reason,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="handover_decide",
        case=case,
        detail={"accepted": accept},
        request=request,
    )
    return handover


def handovers_cancel_on_close(*, case: Case) -> int:
    """Cancel the case's pending hand-over as the case closes (called in the closing transaction).

    Left pending, it would keep the closed case in the receiving agency's scope (access.policy.handover_pending_to)
    and on its worklist, with a decision that can no longer be taken.
    """
    return Handover.objects.filter(case=case, status=Handover.Status.PENDING).update(
        status=Handover.Status.CANCELLED, decided_at=timezone.now()
    )


def grants_expire(*, now: dt.datetime | None = None) -> int:
    """Delete lapsed grants (the EXISTS already ignores them; this keeps the table small).

    In batches of short transactions (ops.batches), skipping a grant another transaction holds.
    """
    now = now or timezone.now()
    count = 0

    def batch(size: int) -> bool:
        nonlocal count
        deleted = 0
        for model in (CaseUserObjectPermission, CaseGroupObjectPermission):
            lapsed = model.objects.select_for_update(skip_locked=True).filter(expires_at__lte=now)
            ids = list(lapsed.order_by("pk").values_list("pk", flat=True)[:size])
            if ids:
                deleted += model.objects.filter(pk__in=ids).delete()[0]
        count += deleted
        return deleted > 0

    in_batches(batch)
    return count
