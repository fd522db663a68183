"""Liveness and readiness that tell the truth, for the container's health check and the proxy in front.

Liveness: the process answers (no database). Readiness: every check in READINESS passes. A check is a named
function that returns normally when all is well and raises (or returns a problem text) when not; one more
check is one more line in READINESS. The answer names each check and says ok or failed, nothing more: why
is in the server log (ops.health), as key ids and settings' names, never a key or a value.
"""

import logging
import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from privacy import canary

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"


class CheckFailed(Exception):
    """A readiness check's problem, for the log."""


def database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def migrations() -> None:
    """Every migration of this code is applied: the code does not run on a schema older than it expects."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise CheckFailed(f"{len(plan)} migration(s) not applied, the first {plan[0][0]}")


def field_keys() -> str | None:
    return canary.field_keys_problem(canary.stored())


def blind_index_key() -> str | None:
    return canary.blind_index_key_problem(canary.stored())


def jobs() -> str | None:
    """The periodic jobs: none has gone twice its interval without succeeding (ops.jobs)."""
    from .jobs import jobs_overdue

    overdue = jobs_overdue()
    return f"overdue: {', '.join(overdue)}" if overdue else None


# In order: the database first; when it does not answer, the checks after it are failed without being run
# (each would wait for its own connection attempt).
READINESS: list[tuple[str, Callable[[], str | None]]] = [
    ("database", database),
    ("migrations", migrations),
    ("field_keys", field_keys),
    ("blind_index_key", blind_index_key),
    ("jobs", jobs),
]


def readiness(checks=None) -> dict[str, str]:
    """Each check's name and OK or FAILED."""
    results = {}
    for name, check in checks if checks is not None else READINESS:
        if results.get("database") == FAILED:
            results[name] = FAILED
            continue
        started = time.monotonic()
        try:
            problem = check()
        except Exception as error:  # a check that fails in any way is a failed check, never a 500
            problem = f"{type(error).__name__}: {error}" if isinstance(error, CheckFailed) else type(error).__name__
        results[name] = FAILED if problem else OK
        if problem:
            elapsed = 1000 * (time.monotonic() - started)
            logger.warning("readiness check %s failed after %.0f ms: %s", name, elapsed, problem)
    return results
