"""Possible duplicates of a person being referred: the one rule (`duplicate_matches`) and what follows from it.

A person already in the system is a possible match if (through the keyed blind indexes, privacy.crypto):
- the CPR number or the identity-document number is the same; or
- the date of birth is the same and the names are similar: they share at least two whole name parts (given names,
  family names, aliases; folded, so "Nguyen" is "Nguyễn"), or every part of the shorter name.

Who learns of a match: the registrant only if they may see the matching case (the check page names it); a match
they may not see goes to the coordinators of that case's competent authority, and the registrant's pages are the
same as for a new person, so that a referral is no oracle for what other agencies hold.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from audit.models import AuditEvent
from audit.services import audit_record
from cases.errors import DomainError

from .models import Case, DuplicateMatch, Person

# More than this many possible matches for one person would be a name, not a person: the first ones are enough.
MATCHES_MAX = 20
# Two shared name parts make names similar (or all of the shorter one's, for a one-part name).
SHARED_PARTS = 2


@dataclass(frozen=True)
class Match:
    case_id: int
    number: str
    reasons: tuple[str, ...]


def duplicate_matches(person, *, exclude_person_id: int | None = None) -> list[Match]:
    """The cases of people who may be this person (a Person or anything with its fields), newest first."""
    from .services import person_key_groups  # services records the matches: imported late to avoid a cycle

    names, identifiers, birth = person_key_groups(person)
    found = Q(pk__in=[])
    if identifiers:
        found |= Q(search_keys__overlap=sorted(identifiers))
    if birth and names:
        found |= Q(search_keys__contains=[birth], search_keys__overlap=sorted(names))
    people = Person.objects.filter(found, anonymised_at__isnull=True)
    if exclude_person_id is not None:
        people = people.exclude(pk=exclude_person_id)
    keys = dict(people.values_list("pk", "search_keys")[: MATCHES_MAX * 5])
    reasons_by_person = {}
    for person_id, stored in keys.items():
        stored = set(stored)
        reasons = []
        if identifiers & stored:
            reasons.append(DuplicateMatch.Reason.IDENTIFIER)
        if birth in stored and len(names & stored) >= min(SHARED_PARTS, len(names)):
            reasons.append(DuplicateMatch.Reason.NAME_BIRTH_DATE)
        if reasons:
            reasons_by_person[person_id] = tuple(reasons)
    cases = (
        Case.objects.filter(person_id__in=reasons_by_person).order_by("-id").values_list("pk", "number", "person_id")
    )
    return [Match(pk, number, reasons_by_person[person_id]) for pk, number, person_id in cases[:MATCHES_MAX]]


def split_by_visibility(user, matches: list[Match]) -> tuple[list[Match], list[Match]]:
    """(the matches whose case the user may see, the others)."""
    if not matches:
        return [], []
    visible = set(policy.visible_cases(user).filter(pk__in=[m.case_id for m in matches]).values_list("pk", flat=True))
    return [m for m in matches if m.case_id in visible], [m for m in matches if m.case_id not in visible]


def shown_matches(user, person) -> list[Match]:
    """The possible matches the registrant may be told of (the check page): only cases they may see, read-audited."""
    shown, _hidden = split_by_visibility(user, duplicate_matches(person))
    if shown:
        audit_record(
            actor=user,
            action=AuditEvent.Action.READ,
            what="duplicate_warning",
            cases=[match.case_id for match in shown],
            detail={"reasons": sorted({reason for match in shown for reason in match.reasons})},
        )
    return shown


def duplicate_matches_queue(*, case: Case, actor) -> int:
    """After a referral is registered: the matches its registrant may not see go to the coordinators' queue.

    In the registration's transaction; nothing of it reaches the registrant. The number queued.
    """
    _shown, hidden = split_by_visibility(actor, duplicate_matches(case.person, exclude_person_id=case.person_id))
    if not hidden:
        return 0
    DuplicateMatch.objects.bulk_create(
        [DuplicateMatch(new_case=case, existing_case_id=m.case_id, reasons=list(m.reasons)) for m in hidden],
        ignore_conflicts=True,
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        what="duplicate_match_queue",
        purpose=AuditEvent.Purpose.SYSTEM,
        case=case,
        cases=[m.case_id for m in hidden],
        detail={"matches": len(hidden)},
    )
    return len(hidden)


def queue_for(user):
    """The open matches for this coordinator: those whose existing case is of their authority."""
    if not policy.role_may(user, policy.Action.DUPLICATE_QUEUE):
        return DuplicateMatch.objects.none()
    return (
        DuplicateMatch.objects.filter(status=DuplicateMatch.Status.OPEN, existing_case__competent_authority=user.agency)
        .select_related("new_case", "existing_case")
        .order_by("-id")
    )


def duplicate_match_decide(*, match: DuplicateMatch, actor, same_person: bool) -> DuplicateMatch:
    """A coordinator's decision on a possible match from their queue: the same person, or not. Decided once."""
    policy.require(actor, policy.Action.DUPLICATE_QUEUE)
    status = DuplicateMatch.Status.SAME_PERSON if same_person else DuplicateMatch.Status.DIFFERENT_PEOPLE
    with transaction.atomic():
        decided = (
            queue_for(actor).filter(pk=match.pk).update(status=status, decided_by=actor, decided_at=timezone.now())
        )
        if decided != 1:
            raise DomainError(_("Den mulige dublet er allerede afgjort."))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            what="duplicate_match_decide",
            case=match.new_case_id,
            cases=[match.existing_case_id],
            detail={"fields": ["duplicate_match.status"], "decision": status},
        )
    match.status = status
    return match
