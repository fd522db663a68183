"""Production refuses to start with keys that do not belong to the data (privacy/canary.py): the entrypoint's
`check --deploy --database default` names the setting that is wrong, never a key; the right keys start."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from privacy import canary
from privacy.models import KeyCanary
from tests.cases.test_celery_worker import database_url
from tests.factories import make_case
from tests.ops.test_production import production_env

pytestmark = pytest.mark.django_db


def entrypoint(**keys: str) -> subprocess.Popen:
    """The image's entrypoint starting gunicorn (`--version`: it prints and exits instead of serving)."""
    env = production_env(database_url(), 0)
    env.update(keys, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.Popen(
        ["bin/entrypoint", "gunicorn", "--version"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check_database() -> str:
    """`manage.py check --database default` in this process; the Errors' text, or "" when it passes."""
    try:
        call_command("check", "--database", "default", stdout=io.StringIO(), stderr=io.StringIO())
    except SystemCheckError as error:
        return str(error)
    return ""


def test_the_check_names_the_wrong_key_and_never_a_key(settings):
    right = settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY
    assert check_database() == ""

    settings.FIELD_ENCRYPTION_KEYS = [wrong_field_key := Fernet.generate_key().decode()]
    field = check_database()
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = right[0], (wrong_blind_key := secrets.token_urlsafe(48))
    blind = check_database()

    assert "privacy.E102" in field and "FIELD_ENCRYPTION_KEYS cannot decrypt the key canary" in field
    assert "privacy.E103" in blind and "BLIND_INDEX_KEY is not the key the stored data was indexed with" in blind
    for key in (wrong_field_key, wrong_blind_key, *right[0], right[1]):
        assert key not in field + blind


def test_the_entrypoint_refuses_to_start_gunicorn_with_a_wrong_key():
    wrong = secrets.token_urlsafe(48)
    env = production_env(database_url(), 0)
    env.update(BLIND_INDEX_KEY=wrong, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")

    # gunicorn --version prints and exits where it would serve (the right keys start: tests/test_deploy.py).
    run = subprocess.run(
        ["bin/entrypoint", "gunicorn", "--version"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )

    assert run.returncode != 0 and "gunicorn" not in run.stdout
    assert "privacy.E103" in run.stderr and wrong not in run.stderr + run.stdout


def test_the_first_canary_is_written_only_with_keys_that_read_the_people_stored(settings, cmm_worker):
    make_case(cmm_worker)
    KeyCanary.objects.all().delete()  # a database from before the canary
    right = settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY

    settings.BLIND_INDEX_KEY = secrets.token_urlsafe(48)
    with pytest.raises(ImproperlyConfigured, match="BLIND_INDEX_KEY is not the key the people already stored"):
        canary.canary_ensure()
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = [Fernet.generate_key().decode()], right[1]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS cannot decrypt the people already stored"):
        canary.canary_ensure()
    assert not KeyCanary.objects.exists()

    settings.FIELD_ENCRYPTION_KEYS = right[0]
    assert canary.canary_ensure() is True and canary.canary_ensure() is False
    stored = canary.stored()
    assert canary.field_keys_problem(stored) is None and canary.blind_index_key_problem(stored) is None
    assert settings.BLIND_INDEX_KEY not in stored[1]  # a keyed hash of a label, not the key
