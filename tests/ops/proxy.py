"""A real nginx with the repo's proxy configuration in front of a real gunicorn serving the app, on loopback.

nginx is Debian's (bin/test installs it); its configuration is deploy/nginx/templates/default.conf.template,
rendered with envsubst as the official image renders it, with this machine's ports and paths, inside a minimal
nginx.conf like the image's own. gunicorn runs the web service's command from docker-compose.yml with the
production settings against the test database; only the address and the number of workers differ.
"""

import asyncio
import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "default.conf.template"
CERT_SCRIPT = ROOT / "deploy" / "nginx" / "self_signed_cert.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Clients come from an address of their own, so that the address nginx sees is told apart from nginx's own.
CLIENT_ADDRESS = "127.0.0.2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def compose_web_command() -> list[str]:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return shlex.split(services["web"]["command"])


def with_option(command: list[str], option: str, value: str) -> list[str]:
    index = command.index(option)
    return [*command[: index + 1], value, *command[index + 2 :]]


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    log: Path


def start_gunicorn(directory: Path, database_url: str, *, workers: int = 2) -> Gunicorn:
    """The web service's command, on loopback with `workers` workers, under the production settings."""
    port = free_port()
    command = with_option(compose_web_command(), "--bind", f"127.0.0.1:{port}")
    command = with_option(command, "--workers", str(workers))
    assert command[0] == "gunicorn"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="cmm.settings.production",
        DJANGO_SECRET_KEY="test-only-proxy-secret-key-not-used-anywhere-else-0000000000",
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=database_url,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        TRUSTED_PROXY_COUNT="1",
        REDIS_URL=settings.REDIS_URL,
    )
    log = directory / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    wait_for_port(port, process, log)
    # Each worker's first request loads the app (seconds): one at a time per worker, before anything is timed.
    warm_up = [threading.Thread(target=request, args=(port,), kwargs={"timeout": 60}) for _ in range(workers * 2)]
    for thread in warm_up:
        thread.start()
    for thread in warm_up:
        thread.join()
    return Gunicorn(port, process, log)


@dataclass
class Nginx:
    https_port: int
    http_port: int
    process: subprocess.Popen
    log: Path
    cert: Path
    web_root: Path

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def template_variables() -> list[str]:
    return sorted(set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", TEMPLATE.read_text())))


def render(values: dict[str, str]) -> str:
    """The template through envsubst, as the official image's entrypoint renders it: the NGINX_* variables only."""
    missing = set(template_variables()) - set(values)
    assert not missing, f"no value for {missing}"
    listed = " ".join(f"${{{name}}}" for name in template_variables())
    return subprocess.run(
        ["envsubst", listed], input=TEMPLATE.read_text(), env=values, capture_output=True, text=True, check=True
    ).stdout


def start_nginx(directory: Path, upstream: str) -> Nginx:
    """nginx with the repo's configuration, its certificate made by the deployment's own script."""
    directory.mkdir(parents=True, exist_ok=True)
    certs = directory / "certs"
    certs.mkdir()
    subprocess.run([sys.executable, str(CERT_SCRIPT), str(certs), "localhost"], check=True, capture_output=True)
    web_root = directory / "web"
    (web_root / "static").mkdir(parents=True)
    https_port, http_port = free_port(), free_port()
    server = render(
        {
            "NGINX_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "NGINX_HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "NGINX_PUBLIC_HTTPS_PORT": str(https_port),
            "NGINX_TLS_CERT": str(certs / "fullchain.pem"),
            "NGINX_TLS_KEY": str(certs / "privkey.pem"),
            "NGINX_UPSTREAM": upstream,
            # Never asked: the upstream here is an address, not a name.
            "NGINX_LOCAL_RESOLVERS": "127.0.0.1",
            "NGINX_WEB_ROOT": str(web_root),
        }
    )
    (directory / "cmm.conf").write_text(server)
    # The official image's nginx.conf around conf.d/*.conf (its own log in the "main" format, which names the
    # client, and keepalive_timeout), with this folder for its logs, pid and temporary files.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes 1;
error_log {directory}/image-error.log notice;
pid {directory}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log {directory}/image-access.log main;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/cmm.conf;
}}
"""
    )
    log = directory / "nginx.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [NGINX, "-e", "stderr", "-p", str(directory), "-c", str(directory / "nginx.conf")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(https_port, process, log)
    return Nginx(https_port, http_port, process, log, certs / "fullchain.pem", web_root)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float


def request(
    port: int,
    path: str = "/login/",
    *,
    tls: ssl.SSLContext | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 5,
    host: str = "localhost",
) -> Answer:
    """One request on a new connection from CLIENT_ADDRESS, timed from connecting to the last byte."""
    arguments = {"timeout": timeout, "source_address": (CLIENT_ADDRESS, 0)}
    if tls is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, **arguments)
    else:
        # The certificate names 127.0.0.1 too; the Host header below is the name a browser would send.
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=tls, **arguments)
    started = time.monotonic()
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", f"{host}:{port}")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read()
        return Answer(response.status, response.headers, content, time.monotonic() - started)
    finally:
        connection.close()


class SlowClients:
    """`count` connections that start a request and never finish it: half send their header one byte at a time
    (slowloris), half a complete header and then their body one byte at a time. Each sends a byte every
    `interval` seconds until the block ends, from its own event loop in a thread."""

    def __init__(self, port: int, *, count: int, tls: ssl.SSLContext | None = None, interval: float = 0.5):
        self.port, self.count, self.tls, self.interval = port, count, tls, interval
        self.connected = 0
        self.dropped = 0
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError(f"only {self.connected} of {self.count} slow clients connected")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)

    @property
    def still_open(self) -> int:
        return self.connected - self.dropped

    def _run(self):
        asyncio.run(self._main())

    async def _main(self):
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        await asyncio.gather(*(self._client(number) for number in range(self.count)))

    async def _client(self, number: int):
        host = f"localhost:{self.port}"
        if number % 2:
            start, trickle = f"GET /login/ HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode(), b"a"
        else:
            # A form as a browser posts it on the HTTPS site (a scheme that the proxy would set itself), with a
            # CSRF cookie: Django's CSRF check then reads the body before any view answers.
            start = (
                f"POST /login/ HTTP/1.1\r\nHost: {host}\r\nOrigin: https://{host}\r\nX-Forwarded-Proto: https\r\n"
                f"Cookie: __Host-csrftoken={'a' * 32}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername="
            )
            start, trickle = start.encode(), b"b"
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1",
                self.port,
                ssl=self.tls,
                server_hostname="localhost" if self.tls else None,
                local_addr=(CLIENT_ADDRESS, 0),
            )
        except OSError:
            return
        self.connected += 1
        if self.connected == self.count:
            self._ready.set()
        # Any answer (a 408, a 400) or the end of the connection means the server let this client go.
        answered = asyncio.ensure_future(reader.read(1))
        try:
            writer.write(start)
            await writer.drain()
            while not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.interval)
                if answered.done():
                    raise ConnectionResetError
                writer.write(trickle)
                await writer.drain()
        except (OSError, ssl.SSLError):
            self.dropped += 1
        finally:
            answered.cancel()
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
