"""Time the reminder scan over 100,000 open deadlines with 0, 100 and 10,000 due, next to a plain SELECT.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmm_bench .venv/bin/python bench/reminders_scan.py [--iterations 15]

Uses the benchmark database of bench/run.py (seeded first if empty: 50,000 cases). Into it go 100,000 open
deadlines of the kinds whose reminders come days ahead (action-plan reviews, reintegration and follow-up ends),
spread over the cases and due between 40 days and a year ahead, except N of them, whose reminder time has come.
Each iteration removes the reminders and notifications the previous one wrote, then times, in the same run:

- the scan (`reminders.services.reminders_scan`: materialise, cancel, claim, send in-app and by email (every
  member of staff is given an address) through Django's locmem backend, so that no mail server's speed is
  measured);
- the scan run again right after (nothing left to do: what every scan between deadlines costs);
- a plain SELECT of the same due deadlines with their case's contact person and registrar (the least any scan
  must read to know whom to tell).

The bench deadlines are removed at the end; the 50,000 cases stay for bench/run.py.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cmm_bench")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

OPEN_DEADLINES = 100_000
DUE = (0, 100, 10_000)
# Marks the bench's own deadlines (no service writes a deadline dated in 2001) so that they can be removed.
MARK = "2001-01-01 00:00:00+00"
# kind, share of the 100,000, how far ahead a due one falls (inside its longest lead's window)
KINDS = (
    ("action_plan_review", 0.4, "2 days"),
    ("reintegration_end", 0.3, "20 days"),
    ("follow_up_end", 0.3, "20 days"),
)


def plant(due: int) -> None:
    """100,000 open deadlines, `due` of them with a reminder due now, in one INSERT ... SELECT per kind."""
    from django.db import connection, transaction

    from cases.deadlines import LEGAL_SOURCES, DeadlineKind

    with transaction.atomic(), connection.cursor() as cursor:
        # Staff with an address, so that the emails are sent (and timed) too.
        cursor.execute("UPDATE accounts_user SET email = username || '@bench.invalid' WHERE email = ''")
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
        for kind, share, soon in KINDS:
            total = int(OPEN_DEADLINES * share)
            kind_due = round(due * share)
            # Reviews may be open several at once; the other kinds once per case, hence one case each.
            assert total <= cases, "the benchmark database has too few cases"
            cursor.execute(
                """
                INSERT INTO cases_deadline (case_id, kind, due_at, status, legal_source, created_at)
                SELECT c.id, %(kind)s,
                       CASE WHEN n <= %(due)s THEN now() + %(soon)s::interval
                            ELSE now() + interval '40 days' + (n %% 325) * interval '1 day' END,
                       'open', %(source)s, %(mark)s
                FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM cases_case) AS c
                WHERE n <= %(total)s
                  AND NOT EXISTS (SELECT 1 FROM cases_deadline d WHERE d.case_id = c.id AND d.kind = %(kind)s
                                  AND d.status = 'open')
                """,
                {
                    "kind": kind,
                    "due": kind_due,
                    "soon": soon,
                    "mark": MARK,
                    "total": total,
                    "source": LEGAL_SOURCES[DeadlineKind(kind)],
                },
            )
        cursor.execute("ANALYZE cases_deadline")


def clear_outbox() -> None:
    from django.core import mail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reminders_notification WHERE deadline_id IN "
            "(SELECT id FROM cases_deadline WHERE created_at = %s)",
            [MARK],
        )
        cursor.execute(
            "DELETE FROM reminders_reminder WHERE deadline_id IN (SELECT id FROM cases_deadline WHERE created_at = %s)",
            [MARK],
        )
        # The rows just deleted would otherwise fill the outbox's indexes with dead entries that the next scan
        # wades through: in service, rows are never deleted like this.
        cursor.execute("VACUUM ANALYZE reminders_reminder, reminders_notification")
    mail.outbox = []


def remove() -> None:
    from django.db import connection

    clear_outbox()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_deadline WHERE created_at = %s", [MARK])
        cursor.execute("ANALYZE cases_deadline")


def plain_select(now) -> int:
    """The due deadlines and whom they concern, read in one query: the floor under any scan."""
    from django.db import connection

    from reminders import leads

    clauses, params = [], []
    for kind, _share, _soon in KINDS:
        longest = leads.leads_for(kind)[0]
        clauses.append("(d.kind = %s AND d.due_at > %s AND d.due_at <= %s)")
        params += [kind, now, now + leads.window(kind, longest)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.kind, d.due_at, c.number, c.contact_person_id, r.registered_by_id "  # noqa: S608
            "FROM cases_deadline d JOIN cases_case c ON c.id = d.case_id "
            "JOIN cases_referral r ON r.case_id = c.id "
            f"WHERE d.status = 'open' AND ({' OR '.join(clauses)})",
            params,
        )
        return len(cursor.fetchall())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=15, help="per scenario (the 10,000 one runs a third)")
    args = parser.parse_args(argv)

    from bench import seed

    seed.ensure_database(reset=False)
    seed.seed()

    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from reminders import services
    from reminders.models import Reminder

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}")
    print(f"{OPEN_DEADLINES:,} open deadlines planted per scenario (besides the seed's), medians in ms\n")
    header = (
        f"{'due':>7} {'rows sent':>10} {'scan':>10} {'scan again':>11} {'plain SELECT':>13} "
        f"{'scan/SELECT':>12} {'again/SELECT':>13}"
    )
    print(header)
    print("-" * len(header))
    remove()
    try:
        for due in DUE:
            plant(due)
            iterations = max(3, args.iterations // 3) if due >= 10_000 else args.iterations
            scans, agains, selects, sent = [], [], [], 0
            for _ in range(iterations):
                clear_outbox()
                now = timezone.now()
                started = time.perf_counter()
                selected = plain_select(now)
                selects.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                services.reminders_scan(now=now)
                scans.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                services.reminders_scan(now=now)
                agains.append((time.perf_counter() - started) * 1000)
                sent = Reminder.objects.filter(status=Reminder.Status.SENT, deadline__created_at=MARK).count()
                assert selected == round(due * 0.4) + 2 * round(due * 0.3), (selected, due)
                assert (sent == 0) == (due == 0), sent
            scan, again, select = (statistics.median(values) for values in (scans, agains, selects))
            print(
                f"{due:>7,} {sent:>10,} {scan:>10.1f} {again:>11.1f} {select:>13.1f} "
                f"{scan / select:>12.1f} {again / select:>13.1f}",
                flush=True,
            )
            remove()
    finally:
        remove()
        mail.outbox = []
    return 0


if __name__ == "__main__":
    sys.exit(main())
