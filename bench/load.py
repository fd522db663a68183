"""Prepare the load scenario (bench/locustfile.py): 50 logged-in caseworkers and the cases each one works on.

    .venv/bin/python bench/load.py [--users 50]

Logs in the seed's CMM contact persons (bench/seed.py: 20 teams of 5) with both factors, as the login and
verification pages leave a session (`bench.run.log_in`: force_login and a confirmed authenticator device marked
in the session), and writes to bench/results/load-users.json, per user: the session key, ten cases of their
team for the case page, and their own open cases for the writes. No password is checked: a real login costs
the password hasher's time (PBKDF2-SHA256, Django's 1,000,000 iterations, measured and printed here), once a
session, and the scenario measures the pages people use all day. Run it just before locust: a session ends
after 15 minutes idle and 12 hours after login. The gunicorn it is run against must have the same
DJANGO_SECRET_KEY (the session carries a hash made with it) and the benchmark's keys and database.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

USERS_FILE = Path(__file__).resolve().parent / "results" / "load-users.json"
CASES_PER_USER = 10


def hasher_cost(rounds: int = 3) -> tuple[str, int, float]:
    """The production hasher (Django's first default, as the settings name none): its name, iterations and the
    median seconds of one check_password, the price of every login."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()  # the benchmark's own settings use a fast one: the class is asked directly
    encoded = hasher.encode("a-long-password-for-timing", hasher.salt())
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert hasher.verify("a-long-password-for-timing", encoded)
        times.append(time.perf_counter() - started)
    return hasher.algorithm, hasher.iterations, sorted(times)[len(times) // 2]


def prepare(count: int) -> list[dict]:
    from django.conf import settings

    from access.policy import SUPPORT_STATES
    from accounts.models import Role, User
    from bench.run import log_in
    from cases.models import Case
    from support.models import SupportService

    users = list(User.objects.filter(role=Role.CMM_CONTACT_PERSON).order_by("username")[:count])
    if len(users) < count:
        raise SystemExit(f"The seed has {len(users)} contact persons, not {count}: run bench/seed.py.")
    prepared = []
    for user in users:
        client = log_in(user)
        team_cases = Case.objects.filter(team=user.team_id).order_by("-number").values_list("number", flat=True)
        own_open = (
            # Where support is recorded (access.policy.SUPPORT_STATES).
            Case.objects.filter(contact_person=user, status__in=SUPPORT_STATES)
            .order_by("-number")
            .values_list("number", flat=True)
        )
        prepared.append(
            {
                "username": user.username,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "cases": list(team_cases[:CASES_PER_USER]),
                "writable": list(own_open[:3]),
            }
        )
    return prepared, {
        "statuses": [status for status in Case.Status.values if status != Case.Status.CLOSED],
        "deadlines": ["overdue", "7d", "30d"],
        "support_types": list(SupportService.Type.values),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args(argv)
    import django

    django.setup()
    users, choices = prepare(args.users)
    USERS_FILE.parent.mkdir(exist_ok=True)
    USERS_FILE.write_text(json.dumps({"users": users, **choices}, indent=1))
    algorithm, iterations, seconds = hasher_cost()
    print(f"{len(users)} sessions written to {USERS_FILE}")
    print(f"password hasher: {algorithm}, {iterations:,} iterations, {1000 * seconds:.0f} ms per login")


if __name__ == "__main__":
    main()
