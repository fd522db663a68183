"""Measure the case list, a case page and the start page against two yardsticks from the same run.

    .venv/bin/python bench/run.py [--iterations 50] [--warmup 5] [--reseed] [--strict] [--show-sql]

Seeds the benchmark database first if it is empty (see seed.py; DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cmm_bench). Requests go in-process through django.test.Client with the
full middleware stack, pages in turn (round-robin) so that drift on the machine hits them all alike.
Timing requests are not instrumented; the SQL count comes from one more request per page.

Yardsticks: the Django admin changelist of the same cases at 50 per page, as the same user sees them
(bench/admin.py: the case list's columns, scoped through guardian's admin integration ORed with the
relation-based visibility), and a minimal page (the same 50 rows as the case list from one hand-written SQL
query in a bare template, bench/views.py).
Targets (from the issue): case list <= 0.3 x admin, case page and start page <= 0.25 x admin, each
<= 2 x the minimal page, and at most 8 SQL queries per page (9 for the case page since the read-rate check).
"""

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cmm_bench")

RESULTS = Path(__file__).resolve().parent / "results" / "latest.txt"
MAX_QUERIES = 8
# The case page pays one more since issue 6: the read-rate check (audit/read_rate.py), as in test_query_counts.
PAGE_MAX_QUERIES = {"case": MAX_QUERIES + 1}
ROW_LINK = re.compile(r'href="/sager/(CMM-[0-9-]+)/"')
ADMIN_ROW = re.compile(r'href="/bench/admin/cases/case/[0-9]+/change/">(CMM-[0-9-]+)</a>')


def log_in(user):
    """A test client logged in with both factors, as the login and verification pages leave it.

    The password step is force_login; the second factor is a confirmed authenticator device (created in the
    benchmark database if the user has none) marked in the session, as django_otp.login does.
    """
    from django.apps import apps
    from django.test import Client

    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reseed", action="store_true", help="drop, recreate and seed the database first")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL")
    args = parser.parse_args(argv)

    from bench import seed

    seed.ensure_database(reset=args.reseed)
    seed.seed()  # migrates; seeds only an empty database

    import django
    from django.db import connection
    from django.db.models import Count
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from access import policy
    from accounts.models import User
    from bench import admin as bench_admin
    from cases.models import Case, CaseEvent, Deadline

    user = User.objects.get(username=seed.BENCH_USER)
    admin = User.objects.get(username=seed.BENCH_ADMIN)
    # The case page: the user's own-team case in a period with the longest timeline (assessment, period,
    # extensions, several deadlines): the heaviest case page in their scope.
    case = (
        policy.visible_cases(user)
        .filter(status=Case.Status.PERIOD, team=user.team_id)
        .annotate(n=Count("events"))
        .order_by("-n", "-id")
        .first()
    )
    visible = policy.visible_cases(user).count()
    user_client = log_in(user)
    admin_client = log_in(admin)

    # key, name, client, url, target ratio to admin (None: a yardstick or an informational row)
    pages = [
        ("list", "case list /sager/", user_client, "/sager/", 0.30),
        ("case", f"case page /sager/{case.number}/", user_client, f"/sager/{case.number}/", 0.25),
        ("home", "start page /", user_client, "/", 0.25),
        ("admin", "admin changelist, same cases", user_client, "/bench/admin/cases/case/", None),
        ("minimal", "minimal page", user_client, "/bench/minimal/", None),
        ("admin_plain", "(info) admin, 4 plain columns", admin_client, "/bench/plain-admin/cases/case/", None),
        ("chrome", "(info) empty page in base.html", user_client, "/bench/chrome/", None),
    ]
    yardsticks = {"admin": "(yardstick)", "minimal": "(yardstick)"}

    # Sanity: every page answers 200; the admin yardstick scopes to exactly the case list's cases, and it and
    # the minimal page show the case list's first 50 rows.
    bodies = {}
    for key, name, client, url, _target in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
            return 2
        bodies[key] = response.content.decode()
    list_rows = ROW_LINK.findall(bodies["list"])
    minimal_rows = ROW_LINK.findall(bodies["minimal"])
    admin_rows = ADMIN_ROW.findall(bodies["admin"])
    if not (list_rows == minimal_rows == admin_rows and len(list_rows) == 50):
        print(
            "The yardsticks do not show the case list's rows "
            f"({len(list_rows)} listed, {len(minimal_rows)} minimal, {len(admin_rows)} admin)",
            file=sys.stderr,
        )
        return 2
    admin_request = RequestFactory().get("/bench/admin/cases/case/")
    admin_request.user = user
    admin_scope = set(bench_admin.site.get_model_admin(Case).get_queryset(admin_request).values_list("pk", flat=True))
    if admin_scope != set(policy.visible_cases(user).values_list("pk", flat=True)):
        print(f"The admin yardstick scopes to {len(admin_scope)} cases, not the case list's {visible}", file=sys.stderr)
        return 2

    queries = {}
    for key, name, client, url, _target in pages:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[key] = len(captured)
        if args.show_sql:
            print(f"\n-- {name}: {len(captured)} queries")
            for query in captured.captured_queries:
                print(f"   {query['time']}s  {query['sql'][:400]}")

    for _ in range(args.warmup):
        for _key, _name, client, url, _target in pages:
            client.get(url)
    timings = {key: [] for key, *_rest in pages}
    for _ in range(args.iterations):
        for key, _name, client, url, _target in pages:
            started = time.perf_counter()
            client.get(url)
            timings[key].append((time.perf_counter() - started) * 1000)

    median = {key: statistics.median(values) for key, values in timings.items()}
    admin_ms = median["admin"]
    minimal_ms = median["minimal"]
    pg_version = connection.cursor().connection.info.server_version
    lines = [
        f"CMM case pages, in-process (django.test.Client, full middleware), {args.iterations} iterations "
        f"after {args.warmup} warm-up rounds, {time.strftime('%Y-%m-%d %H:%M')}",
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
        f"{pg_version // 10000}.{pg_version % 10000}, {platform.node()}",
        f"Data: {Case.objects.count():,} cases, {CaseEvent.objects.count():,} events, "
        f"{Deadline.objects.count():,} deadlines; {user.username} (CMM contact person) sees {visible:,} cases; "
        f"case page {case.number}: {case.n} events, {case.deadlines.count()} deadlines",
        "",
        f"{'page':<34} {'median ms':>9} {'p95 ms':>8} {'SQL':>4} {'x admin':>8} {'x minimal':>9}  target",
    ]
    all_met = True
    for key, name, _client, _url, target in pages:
        ms = median[key]
        to_admin = ms / admin_ms
        to_minimal = ms / minimal_ms
        if target is None:
            verdict = yardsticks.get(key, "")
        else:
            checks = [
                (to_admin <= target, f"<= {target:.2f} x admin"),
                (to_minimal <= 2, "<= 2 x minimal"),
                (queries[key] <= (limit := PAGE_MAX_QUERIES.get(key, MAX_QUERIES)), f"<= {limit} SQL"),
            ]
            met = all(ok for ok, _ in checks)
            all_met &= met
            verdict = ("met: " if met else "MISSED: ") + ", ".join(
                label if ok else f"NOT {label}" for ok, label in checks
            )
        lines.append(
            f"{name[:34]:<34} {ms:9.1f} {p95(timings[key]):8.1f} {queries[key]:4d} {to_admin:8.2f} "
            f"{to_minimal:9.2f}  {verdict}"
        )
    lines += ["", "All targets met." if all_met else "Some targets MISSED."]
    report = "\n".join(lines)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report + "\n", encoding="utf-8")
    print(f"\n(written to {RESULTS.relative_to(ROOT)})")
    return 1 if args.strict and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
