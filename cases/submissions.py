"""A referral registered once per key: the form posted twice, or an API request retried, makes one case."""

import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from ops.batches import delete_in_batches

from . import services
from .errors import KeyReused
from .models import Case, Submission


def fingerprint(data) -> str:
    """A keyed hash of a request's input (never the input itself: it holds names and identity numbers)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return salted_hmac("cases.submissions.fingerprint", text).hexdigest()


def _first(*, actor, key: str, print_: str) -> Case | None:
    submission = Submission.objects.filter(actor=actor, key=key).select_related("case").first()
    if submission is None:
        return None
    if submission.fingerprint != print_:
        raise KeyReused()
    return submission.case


def referral_register_once(
    *, actor, key: str | None, person: dict, referral: dict, print_: str = ""
) -> tuple[Case, bool]:
    """services.referral_register once per user and key: (the case, True) the first time, (the first case, False)
    for every repeat. Without a key, every call registers a case.

    The key is claimed in the same transaction before the case is written; a repeat sent at the same moment
    waits on the claim, and finds the first case once that is committed (or makes the case itself, if the first
    attempt failed and was rolled back).
    """
    if key is None:
        return services.referral_register(actor=actor, person=person, referral=referral), True
    first = _first(actor=actor, key=key, print_=print_)
    if first is not None:
        return first, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Submission.objects.create(actor=actor, key=key, fingerprint=print_)
        except IntegrityError:
            first = _first(actor=actor, key=key, print_=print_)
            if first is None:
                raise
            return first, False
        case = services.referral_register(actor=actor, person=person, referral=referral)
        claim.case = case
        claim.save(update_fields=["case"])
    return case, True


def submissions_prune(*, before: dt.datetime) -> int:
    """Delete the keys claimed before `before` (the retention job, SUBMISSION_KEEP_DAYS); return how many.

    A form or a retried request older than that registers a case of its own again: a repeat comes within minutes.
    """
    return delete_in_batches(Submission.objects.filter(created_at__lt=before))
