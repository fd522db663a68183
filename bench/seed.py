"""Seed the benchmark database: 50,000 cases, 500,000 timeline events, 100,000 deadlines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmm_bench .venv/bin/python bench/seed.py [--reset]

Creates the database named in DATABASE_URL if it does not exist, migrates it, and fills it with COPY
(about a minute). Without --reset an already seeded database is left alone; --reset drops and recreates it.
Refuses any database whose name does not contain "bench".

The data bypass the services for speed but keep their invariants: every case has a person and a
referral; an assessment exists from "identified" on and a period from "period" on; closed cases are
"not a victim" decisions with their notification deadline; deadlines, extensions, case versions and
timeline events follow the transitions that produced them (see README.md for the distributions).
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cmm_bench")

CASES = 50_000
EVENTS = 500_000
DEADLINES = 100_000
CMM_TEAMS = 20
CONTACT_PERSONS_PER_TEAM = 5
DIS_CASEWORKERS = 10
SHARE_DIS_REGISTERED = 0.10  # referrals registered by DIS caseworkers: no CMM team or contact person
SHARED_WITH_BENCH_USER = 25  # per-object grants (guardian) to the benchmark user on other teams' cases
OTHER_GRANTS = 2_000
BENCH_USER = "bench.kontakt"
BENCH_ADMIN = "bench.admin"
SEED = 20_250_101

GIVEN = [
    "Ana",
    "Maria",
    "Elena",
    "Ioana",
    "Grace",
    "Blessing",
    "Joy",
    "Mary",
    "Lan",
    "Mai",
    "Thi",
    "Olena",
    "Iryna",
    "Nadia",
    "Fatima",
    "Amina",
    "Rosa",
    "Lucia",
    "Andrei",
    "Ion",
    "Mihai",
    "Vasile",
    "John",
    "Samuel",
    "Minh",
    "Duc",
    "Somchai",
    "Niran",
    "Jose",
    "Carlos",
    "Ahmed",
    "Omar",
    "Petar",
    "Dimitar",
    "Kateryna",
    "Svetlana",
]
FAMILY = [
    "Popescu",
    "Ionescu",
    "Stan",
    "Dumitru",
    "Okafor",
    "Eze",
    "Adeyemi",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Shevchenko",
    "Kovalenko",
    "Bondarenko",
    "Santos",
    "Reyes",
    "Cruz",
    "Garcia",
    "Petrov",
    "Ivanov",
    "Georgiev",
    "Dimitrov",
    "Somsak",
    "Chaiyaporn",
    "Hassan",
    "Ali",
    "Mohammed",
    "Silva",
    "Rossi",
    "Horvat",
]
NATIONALITIES = ["RO", "NG", "VN", "UA", "PH", "TH", "BG", "CN", "UG", "GH", "ER", "LT", "PL", "MD", "BR", "AL"]
LANGUAGES = ["rumænsk", "engelsk", "vietnamesisk", "ukrainsk", "tagalog", "thai", "bulgarsk", "russisk", ""]
REASONS = [
    "Indikatorerne samlet set peger på udnyttelse; forklaringen er detaljeret og sammenhængende.",
    "Personen har forklaret om gæld til rekrutteringspersonen og tilbageholdte dokumenter.",
    "Der er ikke tilstrækkelige indikatorer på menneskehandel i sagen.",
    "Forklaringen støttes af oplysninger fra politiet og arbejdstilsynet.",
]


def log(message: str) -> None:
    print(message, flush=True)


def database_url() -> str:
    return os.environ["DATABASE_URL"]


def ensure_database(reset: bool) -> None:
    """Create (or with reset: drop and recreate) the database named in DATABASE_URL."""
    import psycopg

    url = urlsplit(database_url())
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to seed database {name!r}: its name must contain 'bench'.")
    admin_url = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            log(f"Dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def is_seeded() -> bool:
    from cases.models import Case

    return Case.objects.exists()


# --------------------------------------------------------------------------------------------------


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY rows (tuples in the order of `fields`, model field names) into the model's table.

    Values of encrypted fields (privacy.fields) are encrypted on the way, as the model would store them.
    """
    from django.db import connection

    from privacy.fields import EncryptedMixin

    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
    prepare = [
        field.get_db_prep_save if isinstance(field, EncryptedMixin) else None
        for field in (meta.get_field(name) for name in fields)
    ]
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            if any(prepare):
                copy.write_row([prep(v, connection) if prep else v for prep, v in zip(prepare, row, strict=True)])
            else:
                copy.write_row(row)
            count += 1
    return count


def person_private_columns(row: tuple) -> tuple:
    """A person row with the columns the seed leaves empty, and the blind indexes of its names."""
    from types import SimpleNamespace

    from cases.services import person_search_keys

    names = SimpleNamespace(given_name=row[1], family_name=row[2], aliases=row[3], cpr_number="", document_number="")
    return (*row, "", "", "", "", "", person_search_keys(names))


def make_users():
    from accounts.models import Agency, Role, Team, User

    teams = Team.objects.bulk_create([Team(agency=Agency.CMM, name=f"Team {i + 1:02d}") for i in range(CMM_TEAMS)])
    users = []
    for t, team in enumerate(teams):
        for i in range(CONTACT_PERSONS_PER_TEAM):
            username = BENCH_USER if (t, i) == (0, 0) else f"cmm.kontakt.{t + 1:02d}.{i + 1}"
            users.append(
                User(
                    username=username,
                    first_name=random.choice(["Anne", "Mette", "Lars", "Søren", "Camilla", "Jonas", "Sara"]),
                    last_name=f"Kontakt {t + 1:02d}-{i + 1}",
                    agency=Agency.CMM,
                    role=Role.CMM_CONTACT_PERSON,
                    team=team,
                )
            )
    users.append(User(username="cmm.koordinator", agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=teams[0]))
    for i in range(DIS_CASEWORKERS):
        users.append(User(username=f"us.sagsbehandler.{i + 1}", agency=Agency.DIS, role=Role.DIS_CASEWORKER))
    users.append(User(username=BENCH_ADMIN, is_staff=True, is_superuser=True, role=Role.SYSTEM_ADMIN))
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    users = list(User.objects.order_by("id"))
    contact = {}
    for user in users:
        if user.role == Role.CMM_CONTACT_PERSON:
            contact.setdefault(user.team_id, []).append(user)
    dis = [u for u in users if u.role == Role.DIS_CASEWORKER]
    return teams, contact, dis, users


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def build(rng, teams, contact, dis, now):
    """Build all rows in memory (plain tuples); ids are assigned here so rows can refer to each other."""
    from accounts.models import Agency
    from cases.codes import (
        ExploitationForm,
        Gender,
        MeansOfControl,
        RecruiterRelation,
        ReferralChannel,
        ReferralSource,
        ResidenceStatus,
        age_band,
    )
    from cases.deadlines import COPENHAGEN, LEGAL_SOURCES, DeadlineKind, notification_due, period_end_due
    from cases.models import Case, CaseEvent, Deadline
    from cases.services import competent_authority
    from identification.models import Assessment, Indicator, Period

    legal = {kind: LEGAL_SOURCES[kind].value for kind in DeadlineKind}
    start = dt.datetime(2018, 1, 1, tzinfo=dt.UTC)
    span = (now - dt.timedelta(hours=2) - start).total_seconds()
    received = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(CASES))
    residence_table = [
        (ResidenceStatus.NO_LEGAL_RESIDENCE, 40),
        (ResidenceStatus.ASYLUM_SEEKER, 20),
        (ResidenceStatus.LEGAL_RESIDENCE, 30),
        (ResidenceStatus.LEGAL_RESIDENCE_EXPULSION, 10),
    ]
    forms = list(ExploitationForm.values)
    means = list(MeansOfControl.values)
    indicators = list(Indicator.values)
    team_ids = [team.id for team in teams]
    counters: dict[int, int] = {}

    out = {k: [] for k in ("person", "case", "referral", "assessment", "period", "extension", "deadline", "event")}
    case_info = []  # per case: its period (state for extensions and deadlines) or None

    def actor_for(authority, team_id):
        if authority == Agency.CMM and team_id:
            return rng.choice(contact[team_id]).id
        if authority == Agency.CMM:
            return rng.choice(contact[rng.choice(team_ids)]).id
        return rng.choice(dis).id

    def clip(moment):
        return min(moment, now - dt.timedelta(minutes=5))

    deadline_id = 0
    event_id = 0
    extension_id = 0

    def deadline(case_id, kind, due_at, status, created_at, closed_at=None):
        nonlocal deadline_id
        deadline_id += 1
        out["deadline"].append((deadline_id, case_id, kind, due_at, status, legal[kind], created_at, closed_at))

    def event(case_id, actor_id, event_type, created_at, data, reason=""):
        nonlocal event_id
        event_id += 1
        out["event"].append((event_id, case_id, actor_id, event_type, created_at, reason, json.dumps(data)))

    for index, received_at in enumerate(received):
        case_id = index + 1
        age = now - received_at
        # Person
        nats = [rng.choice(NATIONALITIES)] + ([rng.choice(NATIONALITIES)] if rng.random() < 0.05 else [])
        born = None
        if rng.random() < 0.8:
            born = (received_at - dt.timedelta(days=rng.randint(15 * 365, 55 * 365))).date()
        out["person"].append(
            (
                case_id,
                rng.choice(GIVEN),
                rng.choice(FAMILY),
                rng.choice(["", "", "", "Mimi", "Lucky", "Baby"]),
                born,
                born is not None and rng.random() < 0.2,
                weighted(rng, [(Gender.FEMININE, 60), (Gender.MASCULINE, 35), (Gender.UNKNOWN, 5)]),
                sorted(set(nats)),
                rng.choice(LANGUAGES),
            )
        )
        # Who registered it: CMM contact person (team + contact person) or a DIS caseworker (neither).
        residence = weighted(rng, residence_table)
        authority = competent_authority(residence)
        if rng.random() < SHARE_DIS_REGISTERED:
            registered_by, team_id, contact_id = rng.choice(dis).id, None, None
        else:
            team_id = rng.choice(team_ids)
            contact_id = rng.choice(contact[team_id]).id
            registered_by = contact_id
        created_at = received_at + dt.timedelta(minutes=rng.randint(5, 600))
        created_at = clip(created_at)
        local_year = received_at.astimezone(COPENHAGEN).year
        counters[local_year] = counters.get(local_year, 0) + 1
        number = f"CMM-{local_year}-{counters[local_year]:04d}"

        detained = rng.random() < 0.5
        detained_at = received_at - dt.timedelta(hours=rng.randint(0, 24)) if detained else None
        source = rng.choice(ReferralSource.values)
        channel = rng.choice(ReferralChannel.values)
        out["referral"].append(
            (
                case_id,
                received_at,
                source,
                channel,
                rng.choice(["", "Københavns Politi", "Reden International", "Arbejdstilsynet", "Kirkens Korshær"]),
                residence,
                rng.sample(forms, rng.choice([1, 1, 1, 2])),
                rng.sample(means, rng.randint(0, 3)),
                rng.choice(RecruiterRelation.values),
                detained,
                detained_at,
                "" if rng.random() < 0.5 else "Personen blev mødt under en kontrol og fortalte om forholdene.",
                registered_by,
                # The age band at the referral, as the service keeps it (the statistics count it).
                age_band(None if born is None else _age(born, received_at.astimezone(COPENHAGEN).date())),
            )
        )
        event(
            case_id,
            registered_by,
            CaseEvent.Type.REFERRAL_REGISTERED,
            created_at,
            {"competent_authority": authority, "source": source, "channel": channel, "detained": detained},
        )

        # Status by age: recent cases are still in progress, old ones mostly closed.
        if age < dt.timedelta(days=30):
            table = [("referred", 50), ("identified", 20), ("period", 20), ("closed", 10)]
        elif age < dt.timedelta(days=180):
            table = [("referred", 15), ("identified", 15), ("period", 40), ("closed", 30)]
        else:
            table = [("referred", 3), ("identified", 4), ("period", 18), ("closed", 75)]
        status = weighted(rng, table)
        version = 1
        updated_at = created_at
        closed_at = None
        exit_reason = ""

        # Identification deadline (detained): due 72 hours after detention.
        if detained:
            due = detained_at + dt.timedelta(hours=72)
            ident = (case_id, DeadlineKind.IDENTIFICATION, due, created_at)
        decided = None
        if status != "referred":
            delay = dt.timedelta(hours=rng.randint(6, 40)) if detained else dt.timedelta(days=rng.uniform(1, 45))
            decided = created_at + delay
            if decided >= now - dt.timedelta(minutes=10):
                decided = created_at + (now - created_at) * rng.uniform(0.2, 0.8)
            if detained and decided > ident[2]:
                decided = created_at + (ident[2] - created_at) * rng.uniform(0.2, 0.9)
        if detained:
            if decided is not None:
                deadline(*ident[:3], Deadline.Status.MET, ident[3], decided)
            elif ident[2] > now:
                deadline(*ident[:3], Deadline.Status.OPEN, ident[3])
            else:
                deadline(*ident[:3], Deadline.Status.MISSED, ident[3])
                event(
                    case_id,
                    None,
                    CaseEvent.Type.DEADLINE_MISSED,
                    ident[2] + dt.timedelta(minutes=3),
                    {"kind": DeadlineKind.IDENTIFICATION, "due_at": ident[2].isoformat()},
                )

        period_state = None
        if decided is not None:
            victim = status != "closed"
            decider = actor_for(authority, team_id)
            decided_on = decided.astimezone(COPENHAGEN).date()
            reasons = rng.choice(REASONS)
            out["assessment"].append(
                (
                    case_id,
                    Assessment.Decision.VICTIM if victim else Assessment.Decision.NOT_VICTIM,
                    decided_on,
                    decided,
                    authority,
                    decided_on if rng.random() < 0.6 else None,
                    rng.choice(LANGUAGES),
                    rng.sample(indicators, rng.randint(0, 4)),
                    reasons,
                    decider,
                    decided,
                )
            )
            version += 1
            updated_at = decided
            event(
                case_id,
                decider,
                CaseEvent.Type.ASSESSMENT_RECORDED,
                decided,
                {
                    "decision": "victim" if victim else "not_victim",
                    "decided_on": decided_on.isoformat(),
                    "authority": authority,
                },
                reasons,
            )
            if not victim:
                closed_at = decided
                exit_reason = Case.ExitReason.NOT_VICTIM
                due = notification_due(decided)
                notified = rng.random() < (0.97 if age > dt.timedelta(days=30) else 0.8)
                notified_at = decided + dt.timedelta(hours=rng.uniform(1, 26))
                if notified and notified_at < now:
                    late = notified_at > due
                    deadline(
                        case_id,
                        DeadlineKind.NOT_VICTIM_NOTIFICATION,
                        due,
                        Deadline.Status.MISSED if late else Deadline.Status.MET,
                        decided,
                        notified_at,
                    )
                    if late:
                        event(
                            case_id,
                            None,
                            CaseEvent.Type.DEADLINE_MISSED,
                            due + dt.timedelta(minutes=3),
                            {"kind": DeadlineKind.NOT_VICTIM_NOTIFICATION, "due_at": due.isoformat()},
                        )
                    version += 1
                    updated_at = notified_at
                    event(
                        case_id,
                        decider,
                        CaseEvent.Type.NOTIFICATION_RECORDED,
                        notified_at,
                        {"notified_at": notified_at.isoformat()},
                    )
                elif due > now:
                    deadline(case_id, DeadlineKind.NOT_VICTIM_NOTIFICATION, due, Deadline.Status.OPEN, decided)
                else:
                    deadline(case_id, DeadlineKind.NOT_VICTIM_NOTIFICATION, due, Deadline.Status.MISSED, decided)
                    event(
                        case_id,
                        None,
                        CaseEvent.Type.DEADLINE_MISSED,
                        due + dt.timedelta(minutes=3),
                        {"kind": DeadlineKind.NOT_VICTIM_NOTIFICATION, "due_at": due.isoformat()},
                    )
            elif status == "period":
                granted_at = decided + dt.timedelta(hours=rng.uniform(1, 72))
                if granted_at >= now:
                    granted_at = decided + (now - decided) * 0.5
                starts_on = max(decided_on, granted_at.astimezone(COPENHAGEN).date())
                granter = actor_for(authority, team_id)
                kind = Period.Kind.RECOVERY if residence == ResidenceStatus.LEGAL_RESIDENCE else Period.Kind.REFLECTION
                version += 1
                updated_at = granted_at
                period_state = {
                    "case_id": case_id,
                    "kind": kind,
                    "starts_on": starts_on,
                    "granted_by": granter,
                    "granted_at": granted_at,
                    "extensions": [],  # (days, granted_at, granted_by)
                }
                # Some periods are extended at once; more are added below to reach the deadline total.
                for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                    extend_period(rng, period_state, now, actor_for(authority, team_id))
        status_value = {
            "referred": Case.Status.REFERRED,
            "identified": Case.Status.IDENTIFIED,
            "period": Case.Status.PERIOD,
            "closed": Case.Status.CLOSED,
        }[status]
        out["case"].append(
            [
                case_id,
                number,
                case_id,
                status_value,
                authority,
                team_id,
                contact_id,
                exit_reason,
                closed_at,
                version,
                created_at,
                updated_at,
            ]
        )
        case_info.append(period_state)

    # Periods: top up extensions until the deadline total is reached, then write their rows.
    periods = [p for p in case_info if p is not None]
    missing = DEADLINES - deadline_id - sum(len(p["extensions"]) + 1 for p in periods)
    rounds = 0
    while missing > 0 and rounds < 20:
        rounds += 1
        for p in rng.sample(periods, len(periods)):
            if missing <= 0:
                break
            authority = out["case"][p["case_id"] - 1][4]
            team_id = out["case"][p["case_id"] - 1][5]
            if extend_period(rng, p, now, actor_for(authority, team_id)):
                missing -= 1
    for p in periods:
        case_row = out["case"][p["case_id"] - 1]
        days_total = 30 + sum(days for days, _, _ in p["extensions"])
        out["period"].append((p["case_id"], p["kind"], p["starts_on"], days_total, p["granted_by"], p["granted_at"]))
        event(
            p["case_id"],
            p["granted_by"],
            CaseEvent.Type.PERIOD_GRANTED,
            p["granted_at"],
            {
                "kind": p["kind"],
                "starts_on": p["starts_on"].isoformat(),
                "last_day": (p["starts_on"] + dt.timedelta(days=29)).isoformat(),
                "days": 30,
            },
        )
        total = 30
        opened = p["granted_at"]
        for days, granted_at, granted_by in p["extensions"]:
            # The extension cancels the running period-end deadline and opens a later one.
            deadline(
                p["case_id"],
                DeadlineKind.PERIOD_END,
                period_end_due(p["starts_on"], total),
                Deadline.Status.CANCELLED,
                opened,
                granted_at,
            )
            opened = granted_at
            total += days
            extension_id += 1
            out["extension"].append(
                (
                    extension_id,
                    p["case_id"],
                    days,
                    "Personen er i behandling og samarbejder om en forberedt hjemrejse.",
                    True,
                    granted_by,
                    granted_at,
                )
            )
            event(
                p["case_id"],
                granted_by,
                CaseEvent.Type.PERIOD_EXTENDED,
                granted_at,
                {
                    "days": days,
                    "days_total": total,
                    "last_day": (p["starts_on"] + dt.timedelta(days=total - 1)).isoformat(),
                },
                "Personen er i behandling og samarbejder om en forberedt hjemrejse.",
            )
            case_row[9] += 1
            case_row[11] = max(case_row[11], granted_at)
        due = period_end_due(p["starts_on"], total)
        if due > now:
            deadline(p["case_id"], DeadlineKind.PERIOD_END, due, Deadline.Status.OPEN, opened)
        else:
            deadline(p["case_id"], DeadlineKind.PERIOD_END, due, Deadline.Status.MISSED, opened)
            event(
                p["case_id"],
                None,
                CaseEvent.Type.DEADLINE_MISSED,
                due + dt.timedelta(minutes=3),
                {"kind": DeadlineKind.PERIOD_END, "due_at": due.isoformat()},
            )

    # The rest of the timeline: further entries of the kinds each case has already had (re-registered
    # information, decisions recorded again), spread over its open life, so that timelines vary in length.
    lifecycle: dict[int, list] = {}
    for row in out["event"]:
        lifecycle.setdefault(row[1], []).append(row)
    extra = EVENTS - event_id
    weights = [rng.random() ** 2 for _ in range(CASES)]
    scale = extra / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(CASES), extra - sum(counts)):
        counts[i] += 1
    for case_row, count in zip(out["case"], counts, strict=True):
        case_id, closed_at = case_row[0], case_row[8]
        end = closed_at or now - dt.timedelta(minutes=5)
        templates = lifecycle[case_id]
        for _ in range(count):
            template = rng.choice(templates)
            after = template[4]
            moment = after + max(end - after, dt.timedelta(0)) * rng.random()
            event(case_id, template[2], template[3], moment, json.loads(template[6]), template[5])

    return out, counters


def extend_period(rng, p, now, actor_id) -> bool:
    """Add one extension (within 120 days in total, granted before the running period ends and before now)."""
    from cases.deadlines import period_end_due

    total = 30 + sum(days for days, _, _ in p["extensions"])
    room = 120 - total
    if room < 5:
        return False
    days = min(room, rng.choice([5, 10, 10, 14, 15, 20, 30]))
    running_end = period_end_due(p["starts_on"], total)
    granted_at = running_end - dt.timedelta(days=rng.uniform(1, 4))
    previous = p["extensions"][-1][1] if p["extensions"] else p["granted_at"]
    if granted_at <= previous or granted_at >= now:
        return False
    p["extensions"].append((days, granted_at, actor_id))
    return True


def admit_bench_user_to_admin() -> None:
    """Let the benchmark user into the bench-only admin yardstick (bench/admin.py), in this database only.

    Staff status and the model-level "view case" permission, as the admin requires; neither changes which
    cases the application shows them (access.policy ignores both). Idempotent.
    """
    from django.contrib.auth.models import Permission

    from accounts.models import User

    user = User.objects.get(username=BENCH_USER)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_case", content_type__app_label="cases"))


def seed() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from cases.models import (
        Case,
        CaseEvent,
        CaseNumberCounter,
        CaseUserObjectPermission,
        Deadline,
        Person,
        Referral,
    )
    from identification.models import Assessment, Period, PeriodExtension

    log("Migrating")
    call_command("migrate", verbosity=0)
    if is_seeded():
        log("Already seeded (use --reset to start again).")
        admit_bench_user_to_admin()
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    random.seed(SEED)
    now = timezone.now()
    with transaction.atomic():
        teams, contact, dis, users = make_users()
        log("Building rows")
        out, counters = build(rng, teams, contact, dis, now)
        log(f"  built in {time.perf_counter() - started:.1f} s")
        log("Copying")
        copy_rows(
            Person,
            [
                "id",
                "given_name",
                "family_name",
                "aliases",
                "date_of_birth",
                "date_of_birth_estimated",
                "gender",
                "nationalities",
                "primary_language",
                "cpr_number",
                "document_number",
                "phone",
                "address",
                "notes",
                "search_keys",
            ],
            (person_private_columns(row) for row in out["person"]),
        )
        copy_rows(
            Case,
            [
                "id",
                "number",
                "person",
                "status",
                "competent_authority",
                "team",
                "contact_person",
                "exit_reason",
                "closed_at",
                "version",
                "created_at",
                "updated_at",
                "dublin_regulation",
                "exit_note",
            ],
            # COPY takes no model defaults: the lifecycle's columns with the values a new case gets.
            ((*row, False, "") for row in out["case"]),
        )
        copy_rows(
            Referral,
            [
                "case",
                "received_at",
                "source",
                "channel",
                "referring_organisation",
                "residence_status",
                "exploitation_forms",
                "means_of_control",
                "recruiter_relation",
                "detained",
                "detained_at",
                "circumstances",
                "registered_by",
                "age_band",
                "residence_status_at_referral",
                "referrer_reference",
                "unaccompanied",
            ],
            ((*row, row[5], "", False) for row in out["referral"]),
        )
        copy_rows(
            Assessment,
            [
                "case",
                "decision",
                "decided_on",
                "decided_at",
                "assessing_authority",
                "interview_on",
                "interpreter_language",
                "indicators",
                "reasons",
                "decided_by",
                "recorded_at",
            ],
            out["assessment"],
        )
        copy_rows(Period, ["case", "kind", "starts_on", "days_total", "granted_by", "granted_at"], out["period"])
        copy_rows(
            PeriodExtension,
            [
                "id",
                "period",
                "days",
                "exceptional_circumstances",
                "cooperates_on_repatriation",
                "granted_by",
                "granted_at",
            ],
            out["extension"],
        )
        copy_rows(
            Deadline,
            ["id", "case", "kind", "due_at", "status", "legal_source", "created_at", "closed_at"],
            out["deadline"],
        )
        log(f"  cases, deadlines: {time.perf_counter() - started:.1f} s")
        copy_rows(CaseEvent, ["id", "case", "actor", "event_type", "created_at", "reason", "data"], out["event"])
        log(f"  events: {time.perf_counter() - started:.1f} s")
        CaseNumberCounter.objects.bulk_create(CaseNumberCounter(year=y, last=n) for y, n in counters.items())

        # Per-object grants (shares): some to the benchmark user on other teams' cases, more to others.
        view_case = Permission.objects.get(codename="view_case", content_type__app_label="cases")
        bench_user = User.objects.get(username=BENCH_USER)
        other_cases = [row[0] for row in out["case"] if row[5] != bench_user.team_id]
        grants = [(bench_user.id, case_id) for case_id in rng.sample(other_cases, SHARED_WITH_BENCH_USER)]
        cmm_ids = [u.id for members in contact.values() for u in members if u.id != bench_user.id]
        grants += [(rng.choice(cmm_ids), rng.randint(1, CASES)) for _ in range(OTHER_GRANTS)]
        copy_rows(
            CaseUserObjectPermission,
            ["permission", "user", "content_object"],
            ((view_case.id, user_id, case_id) for user_id, case_id in sorted(set(grants))),
        )

        with connection.cursor() as cursor:
            models = [Person, Case, Deadline, CaseEvent, PeriodExtension, CaseUserObjectPermission]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    admit_bench_user_to_admin()
    log("Analyzing")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(
        f"Seeded {Case.objects.count():,} cases, {CaseEvent.objects.count():,} events, "
        f"{Deadline.objects.count():,} deadlines, {PeriodExtension.objects.count():,} extensions "
        f"in {time.perf_counter() - started:.0f} s"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    args = parser.parse_args(argv)
    ensure_database(args.reset)
    seed()


if __name__ == "__main__":
    main()
