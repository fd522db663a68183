"""The containers' health checks: `python -m ops.probe live|ready|beat` exits 0 when healthy, 1 when not.

The standard library only, no Django: it runs every half minute beside the server. `live` and `ready` ask the
gunicorn in the same container over plain http (production exempts /health/ from the https redirect), with a
Host header that DJANGO_ALLOWED_HOSTS accepts. `beat` reads the age of the heartbeat file Celery beat touches
at start and after every task it sends (ops/heartbeat.py): older than CMM_BEAT_HEARTBEAT_MAX_AGE seconds
(default 600: twice the longest of the frequent intervals in the schedule, the deadline scan's 5 minutes) means
beat has stopped sending. Whether each job ran on time is readiness' business (the jobs' status).
"""

import os
import sys
import time
import urllib.error
import urllib.request

from ops import heartbeat

DEFAULT_PORT = 8000
DEFAULT_HEARTBEAT_MAX_AGE = 600


def allowed_host() -> str:
    """The first host DJANGO_ALLOWED_HOSTS names ('.example.org' stands for example.org and its subdomains)."""
    for entry in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def http_ok(path: str, port: int, timeout: float = 4.0) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": allowed_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a fixed local http URL
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False  # refused, timed out, or an error status (urllib raises HTTPError for a 503)


def beat_ok(path: str, max_age: float) -> bool:
    try:
        return time.time() - os.stat(path).st_mtime <= max_age
    except OSError:
        return False


def main(argv: list[str]) -> int:
    what = argv[0] if argv else ""
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    if what in ("live", "ready"):
        ok = http_ok(f"/health/{what}", port)
    elif what == "beat":
        path = os.environ.get("CMM_BEAT_HEARTBEAT_FILE") or heartbeat.DEFAULT_FILE
        ok = beat_ok(path, float(os.environ.get("CMM_BEAT_HEARTBEAT_MAX_AGE", DEFAULT_HEARTBEAT_MAX_AGE)))
    else:
        print("usage: python -m ops.probe live|ready|beat", file=sys.stderr)
        return 2
    if not ok:
        print(f"{what}: not healthy", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
