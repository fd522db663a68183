"""Who is told about a deadline (our rule; the issue names "the case owner and the contact person").

- The contact person: the case's CMM contact person, if one is assigned and active.
- The owner: in a CMM case the contact person; without one, the CMM coordinators of the case's team (all CMM
  coordinators if the team has none, or the case no team). In a DIS case the DIS coordinators (DIS assigns no
  caseworker to a case in the system; its caseworkers if DIS has no coordinator), and the contact person too.
- The coordinator, told of an overdue deadline besides the owner: the CMM coordinators of the contact person's
  team (else the case's team, else all) in a CMM case; the DIS coordinators in a DIS case. The "not a victim"
  notification escalates to the CMM coordinators (as above) whichever authority decided.
- A "not a victim" decision is told to the police liaison who registered the referral (a police referral typed
  in by CMM or DIS staff names no liaison in the system: then the caseworker tells police outside it and records
  that), and to DIS (its coordinators, as above) when CMM decided: a DIS decision is DIS's own.

Staff are loaded once per scan (`Staff`), so a batch of a thousand deadlines costs no query per deadline.
"""

from dataclasses import dataclass, field

from accounts.models import Agency, Role, User
from cases.deadlines import DeadlineKind
from cases.models import Deadline

from . import leads


@dataclass
class Staff:
    """The active coordinators (and DIS caseworkers, as a fallback), read once."""

    cmm_by_team: dict[int | None, list[int]] = field(default_factory=dict)
    cmm_all: list[int] = field(default_factory=list)
    dis: list[int] = field(default_factory=list)

    @classmethod
    def load(cls) -> "Staff":
        staff = cls()
        dis_workers = []
        rows = User.objects.filter(
            is_active=True, role__in=[Role.CMM_COORDINATOR, Role.DIS_COORDINATOR, Role.DIS_CASEWORKER]
        ).values_list("pk", "role", "team_id")
        for pk, role, team_id in rows.order_by("pk"):
            if role == Role.CMM_COORDINATOR:
                staff.cmm_all.append(pk)
                staff.cmm_by_team.setdefault(team_id, []).append(pk)
            elif role == Role.DIS_COORDINATOR:
                staff.dis.append(pk)
            else:
                dis_workers.append(pk)
        staff.dis = staff.dis or dis_workers
        return staff

    def cmm_coordinators(self, *team_ids) -> list[int]:
        for team_id in team_ids:
            if team_id is not None and self.cmm_by_team.get(team_id):
                return self.cmm_by_team[team_id]
        return self.cmm_all


def _contact_person(case) -> list[int]:
    person = case.contact_person
    return [person.pk] if person is not None and person.is_active else []


def owners(case, staff: Staff) -> list[int]:
    if case.competent_authority == Agency.DIS:
        return _contact_person(case) + staff.dis
    return _contact_person(case) or staff.cmm_coordinators(case.team_id)


def coordinators(case, staff: Staff) -> list[int]:
    if case.competent_authority == Agency.DIS:
        return staff.dis
    contact = case.contact_person
    return staff.cmm_coordinators(contact.team_id if contact is not None else None, case.team_id)


def not_victim_told(case, staff: Staff) -> list[int]:
    """Police (the referring liaison) and DIS, told of the decision."""
    told = []
    referral = getattr(case, "referral", None)
    registrar = referral.registered_by if referral is not None else None
    if registrar is not None and registrar.is_active and registrar.role == Role.POLICE_LIAISON:
        told.append(registrar.pk)
    if case.competent_authority == Agency.CMM:
        told += staff.dis
    return told


def recipients(deadline: Deadline, lead: str, staff: Staff) -> list[int]:
    """The users told about this deadline at this lead, each once, in a stable order."""
    case = deadline.case
    if lead == leads.NOTICE:
        ids = not_victim_told(case, staff)
    elif lead == leads.OVERDUE and deadline.kind == DeadlineKind.NOT_VICTIM_NOTIFICATION:
        ids = _contact_person(case) + staff.cmm_coordinators(case.team_id)
    elif lead == leads.OVERDUE:
        ids = owners(case, staff) + coordinators(case, staff)
    else:
        ids = _contact_person(case) + owners(case, staff)
    return list(dict.fromkeys(ids))
