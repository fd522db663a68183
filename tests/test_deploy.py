"""The production settings pass Django's deployment checks and refuse to start without their secrets; the compose
file's shape lets the proxy alone face the network and the app scale behind it."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

from tests.cases.test_celery_worker import database_url
from tests.ops.proxy import TEMPLATE, template_variables


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update({"DJANGO_SETTINGS_MODULE": "cmm.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check(db):
    # With the database, as the image's entrypoint runs it before gunicorn and Celery (bin/entrypoint): the key
    # canary is there and the keys are the ones it was written with (privacy/canary.py, tests/ops/).
    result = manage(
        "check",
        "--deploy",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cmm.example.org",
        DATABASE_URL=database_url(),
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),  # the keys the test data is under
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(db):
    result = manage("check", DJANGO_ALLOWED_HOSTS="cmm.example.org", DATABASE_URL=database_url())

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def compose() -> dict:
    return yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())


def mounts(service: dict) -> dict[str, str]:
    """Where each volume of a service is mounted: {container path: source} (a source may hold ${VAR:-default})."""
    pairs = [re.fullmatch(r"(.+?):(/[^:]*)(:ro|:rw)?", entry).groups()[:2] for entry in service.get("volumes", [])]
    return {target: source for source, target in pairs}


def test_only_the_proxy_is_reachable_from_outside_and_web_and_worker_scale():
    services = compose()["services"]

    assert services["proxy"]["image"].startswith("nginx:")  # the official image, configured by mounts only
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    # `--scale web=3 --scale worker=2` needs services without a fixed name or host port.
    assert not [name for name, service in services.items() if "container_name" in service]
    for name in ("web", "worker"):
        assert "ports" not in services[name] and "container_name" not in services[name]


def test_the_proxy_gets_its_configuration_certificates_and_static_files_from_the_deployment():
    file = compose()
    services, volumes = file["services"], file["volumes"]
    proxy = services["proxy"]
    proxy_mounts = mounts(proxy)

    assert Path(settings.BASE_DIR, proxy_mounts["/etc/nginx/templates"]) == TEMPLATE.parent
    # Every variable of the template has its value (the resolvers come from the image's entrypoint).
    assert "NGINX_LOCAL_RESOLVERS" in template_variables()
    assert proxy["environment"]["NGINX_ENTRYPOINT_LOCAL_RESOLVERS"]
    assert set(template_variables()) - {"NGINX_LOCAL_RESOLVERS"} <= set(proxy["environment"])
    # The certificates are where the certs service makes a self-signed pair when none is given.
    certs_source = proxy_mounts["/etc/nginx/certs"]
    assert certs_source == "${TLS_CERTS_DIR:-certs}" and "certs" in volumes
    assert mounts(services["certs"])["/srv/certs"] == certs_source
    assert services["certs"]["command"].split()[-1] == "/srv/certs"
    assert proxy["environment"]["NGINX_TLS_CERT"] == "/etc/nginx/certs/fullchain.pem"
    assert proxy["environment"]["NGINX_TLS_KEY"] == "/etc/nginx/certs/privkey.pem"
    # The static files: copied from the image into the volume that nginx serves /static/ from.
    web_root = proxy["environment"]["NGINX_WEB_ROOT"]
    assert proxy_mounts[f"{web_root}/static"] == "static" == mounts(services["static"])["/srv/static"]
    assert "static" in volumes
    for one_shot in ("certs", "static"):
        assert proxy["depends_on"][one_shot]["condition"] == "service_completed_successfully"


def test_the_image_runs_gunicorn_as_the_web_service_does():
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text().replace("\\\n", "")
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))

    assert command == shlex.split(compose()["services"]["web"]["command"])


def test_the_database_archives_its_wal_and_the_backup_uses_its_own_version_of_the_tools():
    services = compose()["services"]
    db, backup, archive = services["db"], services["backup"], services["walarchive"]
    settings_given = dict(value.split("=", 1) for value in db["command"][2::2])

    assert db["command"][:2] == ["postgres", "-c"] and settings_given["archive_mode"] == "on"
    # Into the archive volume, and never over a segment already archived (a second server must not clobber it).
    assert settings_given["archive_command"].startswith("test ! -f /var/lib/postgresql/archive/wal/%f && cp %p ")
    assert int(settings_given["archive_timeout"]) <= 300
    assert mounts(db)["/var/lib/postgresql/archive"] == mounts(archive)["/archive"] == "${WAL_ARCHIVE_DIR:-walarchive}"
    assert db["depends_on"]["walarchive"]["condition"] == "service_completed_successfully"
    # The logical backup: bin/backup, with the client tools of the server's own image, only when run.
    assert backup["image"] == db["image"] == archive["image"]
    assert backup["entrypoint"] == ["/cmm/bin/backup"] and Path(settings.BASE_DIR, "bin/backup").is_file()
    assert mounts(backup)["/cmm/bin"] == "./bin" and backup["profiles"] == ["backup"]
    assert ".env" in (Path(settings.BASE_DIR) / ".dockerignore").read_text().split()
