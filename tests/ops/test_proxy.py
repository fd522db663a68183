"""The proxy in front of the app (deploy/nginx/): slow clients are its to wait for, it forwards only the headers
the app trusts, refuses a body over the app's limit, serves the static files and logs no client address.

Real processes on loopback: Debian's nginx with the repo's configuration, gunicorn with the web service's
command from docker-compose.yml (two sync workers here) and the production settings against the test database.
Every slow client and request loop is bounded; the whole module takes about 30 s.
"""

import gzip
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from django.conf import settings
from django.contrib.staticfiles import finders

from audit.models import AuditEvent
from tests.cases.test_celery_worker import database_url

from .proxy import CERT_SCRIPT, CLIENT_ADDRESS, SlowClients, request, start_gunicorn, start_nginx, stop

SLOW_CLIENTS = 200
STYLESHEET = "dkfds/css/dkfds.min.css"


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    """gunicorn, and nginx in front of it, for the whole module (the test database stays the same)."""
    directory = tmp_path_factory.mktemp("proxy")
    app = start_gunicorn(directory, database_url(), workers=2)
    try:
        proxy = start_nginx(directory / "nginx", upstream=f"127.0.0.1:{app.port}")
    except Exception:
        stop(app.process)
        raise
    yield app, proxy
    stop(proxy.process)
    stop(app.process)


def timed_requests(port, count, *, tls=None, headers=None, pause=0.2) -> list:
    answers = []
    for _ in range(count):
        answers.append(request(port, tls=tls, headers=headers, timeout=5))
        time.sleep(pause)
    return answers


def milliseconds(answers) -> str:
    seconds = [answer.seconds for answer in answers]
    return f"median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"


def test_slow_clients_through_the_proxy_leave_other_users_unaffected(stack):
    app, proxy = stack
    tls = proxy.tls()
    before = timed_requests(proxy.https_port, 5, tls=tls)

    with SlowClients(proxy.https_port, count=SLOW_CLIENTS, tls=tls) as attack:
        time.sleep(1)
        during = timed_requests(proxy.https_port, 15, tls=tls)
        held = attack.still_open

    print(f"\nproxied: before the slow clients {milliseconds(before)}; during {milliseconds(during)}")
    # The slow clients held their connections all along: nginx waited for them, without a gunicorn worker.
    assert held == SLOW_CLIENTS
    assert [answer.status for answer in during] == [200] * len(during)
    assert max(answer.seconds for answer in during) < 2, milliseconds(during)


def test_the_same_slow_clients_straight_at_gunicorn_take_it_down(stack):
    """The control: without the proxy, two sync workers are taken by the first slow clients."""
    app, _proxy = stack
    # The same page as through the proxy: the client claims the HTTPS the proxy would have vouched for.
    https = {"X-Forwarded-Proto": "https"}
    before = timed_requests(app.port, 5, headers=https)
    assert [answer.status for answer in before] == [200] * 5

    with SlowClients(app.port, count=SLOW_CLIENTS) as attack:
        time.sleep(1)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            request(app.port, headers=https, timeout=3)
        waited = time.monotonic() - started
        assert attack.still_open == SLOW_CLIENTS

    print(f"\ndirect: before the slow clients {milliseconds(before)}; during no answer in {waited:.1f} s")
    # Once they are gone, the workers are free again.
    assert request(app.port, headers=https, timeout=10).status == 200


@pytest.mark.django_db(transaction=True)
def test_the_app_sees_the_address_the_proxy_saw_and_never_one_a_client_wrote(stack):
    app, proxy = stack
    tls = proxy.tls()
    forged = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"}
    login = request(proxy.https_port, tls=tls, headers=forged)
    # The app took the request as HTTPS (it would send an HTTP request to HTTPS) and set its secure cookie.
    assert login.status == 200
    cookie = re.search(r"__Host-csrftoken=([^;]+)", login.headers["Set-Cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login.body).group(1).decode()

    def failed_login(port, *, tls=None):
        body = f"csrfmiddlewaretoken={token}&username=nobody.here&password=wrong"
        headers = {
            **forged,
            # Straight at gunicorn a client can claim HTTPS; through the proxy the claim is replaced.
            "X-Forwarded-Proto": "https" if tls is None else "http",
            "Cookie": f"__Host-csrftoken={cookie}",
            "Origin": f"https://localhost:{proxy.https_port if tls else port}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        answer = request(port, method="POST", tls=tls, headers=headers, body=body.encode())
        # The form again, with its error: the CSRF origin check passed, so Host and scheme reached the app.
        assert answer.status == 200, answer.body[:500]

    def recorded_addresses() -> list[str]:
        events = AuditEvent.objects.filter(what="login_failed").order_by("seq")
        return list(events.values_list("ip_address", flat=True))

    failed_login(proxy.https_port, tls=tls)
    assert recorded_addresses() == [CLIENT_ADDRESS]

    # The control: the app trusts the last X-Forwarded-For entry, so only a proxy that replaces it protects it.
    failed_login(app.port)
    assert recorded_addresses() == [CLIENT_ADDRESS, "203.0.113.7"]


class Recorder:
    """Stands where gunicorn stands and keeps each request nginx sends it: the header block and the body."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received: list[tuple[bytes, int]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data and (chunk := connection.recv(65536)):
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                declared = re.search(rb"(?i)\r\ncontent-length: (\d+)", head)
                length = int(declared.group(1)) if declared else 0
                received = len(body)
                while received < length and (chunk := connection.recv(1 << 20)):
                    received += len(chunk)
                self.received.append((head, received))
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def close(self):
        self.server.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """nginx with the repo's configuration in front of a Recorder."""
    recorder = Recorder()
    proxy = start_nginx(tmp_path_factory.mktemp("recorded"), upstream=f"127.0.0.1:{recorder.port}")
    yield recorder, proxy
    stop(proxy.process)
    recorder.close()


def test_the_proxy_sends_exactly_the_forwarding_headers_the_app_trusts(recorded):
    recorder, proxy = recorded
    recorder.received.clear()
    forged = {
        "X-Forwarded-For": "203.0.113.7",
        "X_Forwarded_For": "203.0.113.8",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "203.0.113.9",
        "X-Forwarded-Port": "8203",
        "X-Real-IP": "203.0.113.10",
        "Forwarded": "for=203.0.113.11;proto=http",
    }
    answer = request(proxy.https_port, "/cases/?page=2", tls=proxy.tls(), headers=forged)

    assert answer.status == 200
    [(sent, _body)] = recorder.received
    request_line, *lines = sent.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    assert request_line == "GET /cases/?page=2 HTTP/1.0"
    assert headers["Host"] == f"localhost:{proxy.https_port}"
    assert headers["X-Forwarded-For"] == CLIENT_ADDRESS
    assert headers["X-Forwarded-Proto"] == "https"
    assert not {"X_Forwarded_For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP", "Forwarded"} & set(headers)
    assert "203.0.113." not in sent.decode()


def test_a_body_over_the_apps_upload_limit_is_refused_by_the_proxy_and_one_at_the_limit_passes(recorded):
    recorder, proxy = recorded
    recorder.received.clear()
    tls = proxy.tls()
    # The app's own limit for an upload (cmm.middleware.InputGuardMiddleware).
    limit = settings.UPLOAD_REQUEST_MAX_SIZE
    headers = {"Content-Type": "multipart/form-data; boundary=x"}

    # nginx answers from the header alone, without reading the body.
    over = request(
        proxy.https_port, "/api/", method="POST", tls=tls, headers={**headers, "Content-Length": str(limit + 1)}
    )
    assert over.status == 413
    assert recorder.received == []

    at_limit = request(proxy.https_port, "/api/", method="POST", tls=tls, headers=headers, body=b"x" * limit)
    assert at_limit.status == 200
    [(_head, body_length)] = recorder.received
    assert body_length == limit


def test_http_is_sent_to_https(stack):
    _app, proxy = stack
    answer = request(proxy.http_port, "/cases/?page=2")

    assert answer.status == 301
    assert answer.headers["Location"] == f"https://localhost:{proxy.https_port}/cases/?page=2"


def test_the_proxy_serves_static_files_with_the_apps_headers_and_asks_the_app_for_a_missing_one(stack):
    _app, proxy = stack
    tls = proxy.tls()
    content = Path(finders.find(STYLESHEET)).read_bytes()
    collected = proxy.web_root / "static" / STYLESHEET
    collected.parent.mkdir(parents=True, exist_ok=True)
    collected.write_bytes(content)
    collected.with_name(collected.name + ".gz").write_bytes(gzip.compress(content))

    page = request(proxy.https_port, tls=tls)
    static = request(proxy.https_port, f"/static/{STYLESHEET}", tls=tls)
    compressed = request(proxy.https_port, f"/static/{STYLESHEET}", tls=tls, headers={"Accept-Encoding": "gzip"})
    missing = request(proxy.https_port, "/static/cmm/not-collected.css", tls=tls)

    assert static.status == 200
    assert static.body == content
    assert static.headers["Content-Type"] == "text/css"
    assert "X-Request-ID" not in static.headers  # no gunicorn worker was asked
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy"):
        assert static.headers[header] == page.headers[header], header
    assert static.headers["Cache-Control"] == "max-age=60, public"
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.body) == content
    # The app's own answer (whitenoise has no such file): a 404 with its request id and its headers.
    assert missing.status == 404
    assert "X-Request-ID" in missing.headers


def test_the_proxys_access_log_names_no_client(stack):
    _app, proxy = stack
    request(proxy.https_port, "/login/?next=/cases/", tls=proxy.tls())
    time.sleep(0.2)  # nginx writes the line when the request ends

    log = proxy.log.read_text()
    assert re.search(r'"GET /login/ HTTP/1.1" 200 \d+ .*request_id=[0-9a-f]{32}', log)
    assert CLIENT_ADDRESS not in log
    assert "next=" not in log
    # Nor does the image's own access log get a line (its format names the client).
    image_log = proxy.log.parent / "image-access.log"
    assert not image_log.exists() or image_log.read_text() == ""


def test_the_self_signed_certificate_is_made_once_and_never_beside_an_operators_own_file(tmp_path):
    def make(directory):
        return subprocess.run(
            [sys.executable, str(CERT_SCRIPT), str(directory)],
            env={**os.environ, "DJANGO_ALLOWED_HOSTS": "cmm.example.org,.example.org"},
            capture_output=True,
            text=True,
        )

    assert make(tmp_path).returncode == 0
    certificate = x509.load_pem_x509_certificate((tmp_path / "fullchain.pem").read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["cmm.example.org", "*.example.org", "localhost"]
    assert (tmp_path / "privkey.pem").stat().st_mode & 0o077 == 0
    first = (tmp_path / "fullchain.pem").read_bytes()
    assert make(tmp_path).returncode == 0
    assert (tmp_path / "fullchain.pem").read_bytes() == first  # left as it is

    own = tmp_path / "own"
    own.mkdir()
    (own / "fullchain.pem").write_text("the operator's certificate")
    refused = make(own)
    assert refused.returncode == 1
    assert not (own / "privkey.pem").exists()
