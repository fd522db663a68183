"""Under production settings, in gunicorn as the container runs it: health over plain http from inside the
container (the compose health checks, ops/probe.py), and the pages when PostgreSQL does not answer: a 503 in
the house style with the request id and Retry-After, no stack, and a form's input kept."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.conf import settings

from ops.models import JobStatus
from tests.cases.test_celery_worker import database_url

# The servers read what is committed: the test database as migrate left it (with its key canary).
pytestmark = pytest.mark.django_db

HOST = "cmm.example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cmm.settings.production",
        DJANGO_SECRET_KEY="production-like-test-secret-key-" + "x" * 30,
        DJANGO_ALLOWED_HOSTS=HOST,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        DATABASE_URL=database,
        PORT=str(port),
    )
    return env


def gunicorn(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cmm.wsgi", "--bind", f"127.0.0.1:{env['PORT']}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def request(port: int, method: str, path: str, body: str = "", **headers: str):
    """One plain-http request, as the health check or the proxy in front sends it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request(method, path, body=body.encode(), headers={"Host": HOST, **headers})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def probe(what: str, env: dict) -> int:
    return subprocess.run(
        [sys.executable, "-m", "ops.probe", what], cwd=settings.BASE_DIR, env=env, capture_output=True
    ).returncode


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    """Two gunicorns started side by side: one on the test database, one on a port where nothing listens."""
    with django_db_blocker.unblock():
        up = production_env(database_url(), free_port())
    down = production_env(f"postgres://cmm_app:x@127.0.0.1:{free_port()}/cmm", free_port())
    processes = [gunicorn(up), gunicorn(down)]
    try:
        for env in (up, down):
            give_up = time.monotonic() + 60
            while probe("live", env) != 0:
                assert time.monotonic() < give_up, "gunicorn did not start"
                time.sleep(0.3)
        yield up, down
    finally:
        for process in processes:
            process.terminate()
            process.communicate(timeout=30)
        with django_db_blocker.unblock():
            # Readiness gave every job its first-seen record, committed outside any test's transaction.
            JobStatus.objects.all().delete()


def test_health_over_plain_http_under_production_settings(servers):
    up, _down = servers
    port = int(up["PORT"])

    status, headers, body = request(port, "GET", "/health/ready")
    assert status == 200, body
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "field_keys": "ok", "blind_index_key": "ok", "jobs": "ok"},
    }
    assert request(port, "GET", "/health/live")[0] == 200
    assert probe("ready", up) == probe("live", up) == 0  # the compose health check's own command
    # Everything else still goes to https.
    status, headers, _body = request(port, "GET", "/login/")
    assert status == 301 and headers["Location"] == f"https://{HOST}/login/"


def test_without_the_database_readiness_fails_and_liveness_holds(servers):
    _up, down = servers

    status, _headers, body = request(int(down["PORT"]), "GET", "/health/ready")

    assert status == 503
    assert json.loads(body) == {
        "status": "failed",
        "checks": {
            "database": "failed",
            "migrations": "failed",
            "field_keys": "failed",
            "blind_index_key": "failed",
            "jobs": "failed",
        },
    }
    assert probe("ready", down) == 1 and probe("live", down) == 0


def test_without_the_database_a_page_is_the_503_page_with_the_request_id(servers):
    _up, down = servers
    cookie = "__Host-sessionid=" + "k" * 32  # a logged-in browser: reading its session needs the database

    status, headers, body = request(
        int(down["PORT"]), "GET", "/sager/", **{"X-Forwarded-Proto": "https", "Cookie": cookie}
    )

    assert status == 503 and headers["Retry-After"] == "30"
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Systemet er ikke tilgængeligt lige nu" in text and f"Fejl-id: {headers['X-Request-ID']}" in text
    assert 'class="header"' in body and "dkfds" in body  # the house style, not Django's bare text
    assert "Traceback" not in body and "OperationalError" not in body and "127.0.0.1" not in body


def test_without_the_database_a_posted_form_comes_back_to_send_again_without_the_password(servers):
    _up, down = servers
    port = int(down["PORT"])
    secure = {"X-Forwarded-Proto": "https"}
    _status, headers, login_page = request(port, "GET", "/login/", **secure)  # shown without the database
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    csrf_cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = {"csrfmiddlewaretoken": token, "username": "cmm.kontakt", "password": "a-long-password-typed-here"}

    status, headers, body = request(
        port,
        "POST",
        "/login/",
        urllib.parse.urlencode(form),
        **secure,
        Cookie=csrf_cookie,
        Origin=f"https://{HOST}",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert status == 503 and headers["Retry-After"] == "30"
    assert 'name="username" value="cmm.kontakt"' in body and "Send igen" in body
    assert "a-long-password-typed-here" not in body
