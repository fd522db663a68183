"""bin/setup installs and compiles; it leaves no embedded PostgreSQL running behind it."""

import os
import signal
import subprocess

from django.conf import settings


def postgres_processes_on(data_dir) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"postgres") and str(data_dir).encode() in args:
            found.append(pid)
    return found


def test_setup_leaves_no_embedded_postgres_running(tmp_path):
    data_dir = tmp_path / "postgres"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["CMM_EMBEDDED_DB_DIR"] = str(data_dir)  # where the settings would start one (cmm/embedded_db.py)

    result = subprocess.run(["bin/setup"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)

    try:
        assert result.returncode == 0, result.stderr
        assert postgres_processes_on(data_dir) == []
        assert not (data_dir / "postmaster.pid").exists()
    finally:  # had one started after all, stop it (by its pid) rather than leave it behind
        if (data_dir / "postmaster.pid").exists():
            os.kill(int((data_dir / "postmaster.pid").read_text().split()[0]), signal.SIGTERM)
