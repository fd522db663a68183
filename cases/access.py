"""The access policy: who may see which case, and who may do what to it in which state.

Views, API, templates and tasks ask this module; nothing else decides, and nothing else calls guardian.
A case the user may not see is indistinguishable from one that does not exist (Http404).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Agency, Role

from .errors import NotAllowed
from .models import Case, CaseUserObjectPermission


class Action:
    VIEW = "view"
    REGISTER_REFERRAL = "register_referral"
    ASSESS = "assess"
    GRANT_PERIOD = "grant_period"
    EXTEND_PERIOD = "extend_period"
    RECORD_NOTIFICATION = "record_notification"


# Which states each action is allowed from. The services enforce it; templates only show what is allowed.
ACTION_STATES = {
    Action.ASSESS: {Case.Status.REFERRED},
    Action.GRANT_PERIOD: {Case.Status.IDENTIFIED},
    Action.EXTEND_PERIOD: {Case.Status.PERIOD},
    Action.RECORD_NOTIFICATION: {Case.Status.CLOSED},
}

# Which roles may take each case action; the competent authority's own staff only (see _acts_for_authority).
ACTION_ROLES = {
    Action.ASSESS: {Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR, Role.DIS_CASEWORKER},
    Action.GRANT_PERIOD: {Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR, Role.DIS_CASEWORKER},
    Action.EXTEND_PERIOD: {Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR, Role.DIS_CASEWORKER},
    Action.RECORD_NOTIFICATION: {Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR, Role.DIS_CASEWORKER},
}

REFERRAL_ROLES = {Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR, Role.DIS_CASEWORKER}


def _is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def visible_cases(user) -> QuerySet[Case]:
    """The cases this user may see: relations as indexed filters, per-object grants as one EXISTS."""
    if not _is_staff_member(user):
        return Case.objects.none()
    granted = Exists(
        CaseUserObjectPermission.objects.filter(
            user_id=user.pk, content_object_id=OuterRef("pk"), permission__codename="view_case"
        )
    )
    if user.role == Role.CMM_COORDINATOR:
        return Case.objects.all()
    if user.role == Role.CMM_CONTACT_PERSON:
        mine = Q(contact_person_id=user.pk)
        if user.team_id:
            mine |= Q(team_id=user.team_id)
        return Case.objects.filter(mine | granted)
    if user.role == Role.DIS_CASEWORKER:
        return Case.objects.filter(Q(competent_authority=Agency.DIS) | granted)
    return Case.objects.filter(granted)


def case_for_view(user, number: str, queryset: QuerySet[Case] | None = None) -> Case:
    """The case with this number if the user may see it; Http404 otherwise, as if it did not exist."""
    qs = visible_cases(user) if queryset is None else queryset & visible_cases(user)
    try:
        return qs.get(number=number)
    except Case.DoesNotExist:
        raise Http404 from None


def can_register_referral(user) -> bool:
    return _is_staff_member(user) and user.role in REFERRAL_ROLES


def _acts_for_authority(user, case: Case) -> bool:
    return user.agency == case.competent_authority


def can(user, action: str, case: Case) -> bool:
    """May this user take this action on this (visible) case in its current state?"""
    if not _is_staff_member(user):
        return False
    if action == Action.VIEW:
        return True
    if user.role not in ACTION_ROLES.get(action, ()):
        return False
    if case.status not in ACTION_STATES.get(action, ()):
        return False
    if action == Action.ASSESS:
        # Refusals by competent authority get their own clearer message in the service.
        return _acts_for_authority(user, case)
    if action == Action.RECORD_NOTIFICATION:
        return _acts_for_authority(user, case) and case.exit_reason == Case.ExitReason.NOT_VICTIM
    return _acts_for_authority(user, case)


def allowed_actions(user, case: Case) -> set[str]:
    return {action for action in ACTION_ROLES if can(user, action, case)}


def require(user, action: str, case: Case) -> None:
    """Raise NotAllowed unless the role may take the action; state rules are the services' to explain."""
    if not _is_staff_member(user) or user.role not in ACTION_ROLES.get(action, ()):
        raise NotAllowed(_("Din rolle giver ikke adgang til denne handling."))


def require_referral(user) -> None:
    if not can_register_referral(user):
        raise NotAllowed(_("Din rolle giver ikke adgang til at registrere henvisninger."))
