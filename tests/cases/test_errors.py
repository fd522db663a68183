"""A 500 shows the request id, on the page and in the API's body, and the server log's line names it too."""

import io
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from cmm.logging import RequestIdFilter
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_log():
    """What the configured console handler writes, with its filter and format."""
    [handler] = [h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def failing(client, cmm_worker, settings):
    settings.ROOT_URLCONF = "tests.cases.failing_urls"
    client.raise_request_exception = False
    return login(client, cmm_worker)


def test_the_500_page_shows_the_request_id_that_the_log_carries(failing, server_log):
    response = failing.get("/fejl/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert f"Fejl-id: {request_id}" in response.content.decode()
    assert "a bug" not in response.content.decode()  # no traceback or message in the page
    log = server_log.getvalue()
    assert f"ERROR django.request request={request_id} Internal Server Error: /fejl/" in log
    assert "RuntimeError: a bug" in log


def test_an_api_500_keeps_the_error_shape_and_names_the_request_id(failing, server_log):
    response = failing.get("/api/v1/fejl/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "server_error"
    assert [error["code"] for error in body["errors"]] == ["error"]
    assert request_id in body["errors"][0]["detail"]
    assert f"request={request_id}" in server_log.getvalue()


def test_an_api_url_that_matches_no_route_is_a_json_404(client, cmm_worker):
    response = login(client, cmm_worker).get("/api/v1/cases/a/b/c/d/")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_demo_data_refuses_to_run_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "cmm.example",
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0],
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        # Nothing listens here: the command must refuse before it touches a database.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "demo_data"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )

    assert result.returncode != 0
    assert "demo_data refuses to run under production settings" in result.stderr
