"""Step-up (AU-06): an administrator's action on an account, or an approval, asks for a fresh code first.

A code verified on the step-up page is remembered in the session for STEP_UP_AGE seconds; the routes that
ask for it are marked `step_up` in the access policy (access.policy.ROUTES) and held by cmm.middleware.
"""

from django.conf import settings
from django.utils import timezone

STEP_UP_SESSION_KEY = "_accounts_step_up_at"


def step_up_stamp(request) -> None:
    request.session[STEP_UP_SESSION_KEY] = int(timezone.now().timestamp())


def step_up_recent(request) -> bool:
    """Has this session passed a second-factor check on the step-up page within STEP_UP_AGE seconds?"""
    stamped = request.session.get(STEP_UP_SESSION_KEY)
    if not isinstance(stamped, int):
        return False
    return 0 <= timezone.now().timestamp() - stamped < settings.STEP_UP_AGE
