"""Key rotation and the retention job: system actions, each run reported and logged."""

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.csp_reports import csp_reports_prune
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case, CaseEvent, Person, Referral, Representative
from cases.submissions import submissions_prune
from grants.models import EmergencyAccess, Handover
from identification.models import Assessment, PeriodExtension
from intake.models import Message, Report
from ops.batches import in_batches
from repatriation.models import FollowUpAttachment, FollowUpReport, ReintegrationSupport, Repatriation
from support.models import ActionPlanVersion, SupportService

from . import columns, crypto
from .fields import encrypted_fields
from .models import RetentionRun

logger = logging.getLogger("privacy.retention")

# What an anonymised person's name reads as; texts a decision must have are replaced with it too.
ANONYMISED = "Anonymiseret"
# The free texts about the person that anonymisation clears: model, its path to the case, field, replacement.
# Every encrypted field is on Person or listed here (tests/privacy/test_retention.py checks it).
FREE_TEXTS = [
    (Referral, "case", "circumstances", ""),
    (Assessment, "case", "reasons", ANONYMISED),
    (PeriodExtension, "period__case", "exceptional_circumstances", ANONYMISED),
    (CaseEvent, "case", "reason", ""),
    (EmergencyAccess, "case", "reason", ANONYMISED),
    (Handover, "case", "reason", ANONYMISED),
    (Handover, "case", "decision_reason", ""),
    (Case, "pk", "exit_note", ""),
    (Representative, "case", "name", ANONYMISED),
    (Representative, "case", "phone", ""),
    (SupportService, "case", "note", ""),
    (ActionPlanVersion, "plan__case", "content", {}),  # the goals and activities (support.models: may be cleared)
    (Repatriation, "case", "reasons", ""),
    (Repatriation, "case", "reintegration_plan", ""),
    (ReintegrationSupport, "repatriation__case", "family_member_reason", ANONYMISED),
    (ReintegrationSupport, "repatriation__case", "note", ""),
    (FollowUpReport, "case", "text", ANONYMISED),
    # An attachment's content is emptied (its number, type and size stay, as the report's date does).
    (FollowUpAttachment, "report__case", "content", ""),
    # A report or hotline call linked to the case tells of the person (one not linked is deleted after 90 days).
    (Report, "case", "what_seen", ANONYMISED),
    (Report, "case", "municipality", ""),
    (Report, "case", "seen_when", ""),
    (Report, "case", "contact", ""),
    (Report, "case", "follow_up", ""),
    (Message, "report__case", "text", ANONYMISED),
]


def encrypted_models() -> list:
    return [model for model in apps.get_models() if encrypted_fields(model)]


def field_keys_rotate() -> dict[str, columns.ColumnCount]:
    """Re-encrypt every encrypted column under the newest key; counts per `app.Model.field`. Safe to run twice.

    Values written in clear (which only a bypass of the models could leave) are encrypted on the way.
    """
    ring = crypto.keyring()

    def rotate(value: str) -> str:
        return ring.rotate(value) if crypto.is_token(value) else ring.encrypt(value)

    counts = {}
    for model in encrypted_models():
        for field in encrypted_fields(model):
            counts[f"{model._meta.label}.{field.name}"] = columns.column_rewrite(
                table=model._meta.db_table, column=field.column, pk=model._meta.pk.column, transform=rotate
            )
    return counts


def field_keys_census() -> dict[str, dict[str, int]]:
    """How many values of each encrypted column are under each key id; rotation is done when only the newest is left."""
    return {
        f"{model._meta.label}.{field.name}": columns.column_key_ids(table=model._meta.db_table, column=field.column)
        for model in encrypted_models()
        for field in encrypted_fields(model)
    }


def person_search_keys_rebuild() -> int:
    """Recompute every person's blind indexes (after BLIND_INDEX_KEY changed); the number changed."""
    from cases.services import person_search_keys

    changed = 0
    people = Person.objects.filter(anonymised_at__isnull=True).only(
        "id", "given_name", "family_name", "aliases", "cpr_number", "document_number", "date_of_birth", "search_keys"
    )
    for person in people.iterator(chunk_size=500):
        keys = person_search_keys(person)
        if keys != person.search_keys:
            changed += Person.objects.filter(pk=person.pk).update(search_keys=keys)
    return changed


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """RETENTION_YEARS before `now` (29 February falls back to 28 February)."""
    years = settings.RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def retention_due(*, closed_before: dt.datetime):
    """People not yet anonymised whose cases are all closed, the last of them before `closed_before`.

    A person with any case still open, or closed more recently, keeps their identity on every case.
    """
    kept = Case.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status=Case.Status.CLOSED) | Q(closed_at__isnull=True) | Q(closed_at__gte=closed_before)
    )
    return Person.objects.filter(anonymised_at__isnull=True, cases__isnull=False).exclude(Exists(kept)).distinct()


def retention_run(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionRun:
    """Anonymise the identifying data of cases closed more than RETENTION_YEARS ago, or (dry run) list them.

    Kept for the statistics: gender, nationalities, age band at referral, exploitation forms, decisions,
    dates, the timeline's event types. Cleared: every encrypted field of the person, their blind indexes,
    and the free texts on referral, assessment, extensions and timeline. Safe to run twice, or twice at once.

    The run is logged first (its RetentionRun row), then works in batches of short transactions
    (ops.batches), each anonymising up to JOB_BATCH_SIZE people, adding them to the run's row and writing
    its audit row. A person or case another transaction holds is skipped, not waited for: the next run
    takes it. A run that anonymises nobody still writes one audit row, so that every run is in the log.
    """
    now = now or timezone.now()
    closed_before = retention_cutoff(now)
    if dry_run:
        return _retention_dry_run(now=now, closed_before=closed_before)
    run = RetentionRun.objects.create(
        started_at=now, dry_run=False, retention_years=settings.RETENTION_YEARS, closed_before=closed_before
    )
    skipped: set[int] = set()  # people with a case another transaction holds: left for the next run

    def batch(size: int) -> bool:
        # anonymised_at on the locked rows themselves: a second run at the same time skips them.
        people = list(
            Person.objects.filter(pk__in=retention_due(closed_before=closed_before).values("pk"))
            .filter(anonymised_at__isnull=True)
            .exclude(pk__in=skipped)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not people:
            return False
        case_people = dict(Case.objects.filter(person__in=people).values_list("pk", "person_id"))
        locked = set(
            Case.objects.filter(pk__in=case_people).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        skipped.update(person for case, person in case_people.items() if case not in locked)
        people = [person for person in people if person not in skipped]
        cases = list(Case.objects.filter(person__in=people).order_by("number").values_list("pk", "number"))
        if people:
            case_ids = [pk for pk, _number in cases]
            _anonymise(person_ids=people, case_ids=case_ids, now=now)
            run.person_count += len(people)
            run.case_count += len(cases)
            run.case_numbers += [number for _pk, number in cases]
            run.save(update_fields=["person_count", "case_count", "case_numbers"])
            _retention_audit(run, cases=case_ids, people=len(people))
        return True

    in_batches(batch)
    if run.person_count == 0:
        _retention_audit(run, cases=[], people=0)
    records_prune(now=now)
    return run


def records_prune(*, now: dt.datetime) -> dict[str, int]:
    """Delete the rows kept only for a while (part of the retention job): the referral keys older than
    SUBMISSION_KEEP_DAYS and the CSP violation counts of days older than CSP_REPORT_KEEP_DAYS. Neither holds
    person data; both would otherwise grow for as long as the system runs. Returns how many of each it deleted."""
    deleted = {
        "submissions": submissions_prune(before=now - dt.timedelta(days=settings.SUBMISSION_KEEP_DAYS)),
        "csp_reports": csp_reports_prune(
            before=timezone.localdate(now) - dt.timedelta(days=settings.CSP_REPORT_KEEP_DAYS)
        ),
    }
    logger.info("retention: deleted %(submissions)d referral keys and %(csp_reports)d CSP counts", deleted)
    return deleted


def _retention_dry_run(*, now: dt.datetime, closed_before: dt.datetime) -> RetentionRun:
    with transaction.atomic():
        due = retention_due(closed_before=closed_before)
        people = list(Person.objects.filter(pk__in=due.values("pk")).values_list("pk", flat=True))
        cases = list(Case.objects.filter(person__in=people).order_by("number").values_list("pk", "number"))
        run = RetentionRun.objects.create(
            started_at=now,
            dry_run=True,
            retention_years=settings.RETENTION_YEARS,
            closed_before=closed_before,
            person_count=len(people),
            case_count=len(cases),
            case_numbers=[number for _pk, number in cases],
        )
        _retention_audit(run, cases=[pk for pk, _number in cases], people=len(people))
    return run


def _retention_audit(run: RetentionRun, *, cases: list[int], people: int) -> None:
    audit_record(
        actor=None,
        action=AuditEvent.Action.READ if run.dry_run else AuditEvent.Action.UPDATE,
        what="retention_dry_run" if run.dry_run else "retention_anonymised",
        purpose=AuditEvent.Purpose.SYSTEM,
        cases=cases,
        detail={"retention_run": run.pk, "people": people, "closed_before": run.closed_before.isoformat()},
    )


def _anonymise(*, person_ids: list[int], case_ids: list[int], now: dt.datetime) -> None:
    blank = {field.name: (None if field.null else "") for field in encrypted_fields(Person)}
    Person.objects.filter(pk__in=person_ids).update(
        **{**blank, "given_name": ANONYMISED}, search_keys=[], anonymised_at=now
    )
    for model, case_path, field, replacement in FREE_TEXTS:
        model.objects.filter(**{f"{case_path}__in": case_ids}).update(**{field: replacement})
