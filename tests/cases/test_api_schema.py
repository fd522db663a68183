"""Schema-driven fuzzing of the API as a logged-in caseworker: no 5xx, and every answer is the one the schema
documents (status codes, content types, bodies), error answers included.

Each operation is run with positive and negative generation; hypothesis is derandomized, so a run repeats.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from cmm.wsgi import application
from tests.factories import login, make_case

pytestmark = pytest.mark.django_db

# Not checked here: a schema cannot say every rule of the domain (a referral received in the future is valid JSON
# Schema), so a schema-valid request may be refused; and the session is passed as a cookie of ours, which the
# check for ignored authentication would wrongly take for an auth the API ignored (tests/accounts tests logins).
NOT_CHECKED = [positive_data_acceptance, ignored_auth]
EXAMPLES = 40  # per operation and mode: the whole run stays within a couple of minutes on two cores
OPERATIONS = [
    (method.upper(), path)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
]


@pytest.fixture
def caseworker(client, cmm_worker, dis_worker):
    """A DIS caseworker's session cookie and CSRF token, as a browser holds them, with cases to look at."""
    make_case(cmm_worker)
    make_case(cmm_worker, residence_status="legal_residence")
    login(client, dis_worker)
    csrf = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def api_schema(caseworker, client):
    """The schema /api/schema/ serves to the caseworker, exercised against the WSGI application in process."""
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200, response.content
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = application
    # The session is the caseworker's own (see `caseworker`): the cookie is not a parameter to vary.
    schema.config.generation.update(with_security_parameters=False)
    # As Django's test client does: the handler must not close the test's connection after each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schema
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{method} {path}" for method, path in OPERATIONS])
def test_the_api_answers_as_its_schema_says(api_schema, caseworker, method, path, mode):
    operation = api_schema[path][method]

    @given(operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def answers_as_documented(case):
        case.call_and_validate(
            headers=caseworker["headers"], cookies=caseworker["cookies"], excluded_checks=NOT_CHECKED
        )

    try:
        answers_as_documented()
    except Unsatisfiable:
        # Negative mode on an operation whose every input is valid (no parameters, free-form text): nothing to send.
        assert mode == GenerationMode.NEGATIVE
