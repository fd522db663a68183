"""Read-side look-ups about shares for an organisation's own view of them."""

import datetime as dt

from django.http import Http404
from django.utils import timezone

from access import policy

from .models import Share


class AccessEnded(Http404):
    """A case the user's organisation had through a share that has ended (withdrawn or expired).

    Still a 404 (cmm.errors.not_found renders it as "access has ended"): the case is not found for this
    organisation any more, and the status is the same as for any case it may not see.
    """

    def __init__(self, number: str, last_day: dt.date):
        super().__init__(number)
        self.number = number
        self.last_day = last_day


def ended_share_last_day(user, number: str) -> dt.date | None:
    """The last day the user's organisation could read case `number` through a share, if all its shares ended.

    Only the organisation's own shares are asked: a number it never had answers None (the ordinary 404),
    so the answer tells the organisation nothing it did not know. A share still running answers None too:
    the case is then visible, and if it is not, there is nothing to explain.
    """
    if user.role not in policy.SHARED_WITH_ROLES or user.team_id is None:
        return None
    shares = list(Share.objects.filter(case__number=number, team_id=user.team_id).only("withdrawn_at", "expires_on"))
    if not shares or any(share.is_active for share in shares):
        return None
    # A share withdrawn before it ran out ended on the day of the withdrawal.
    return max(
        min(timezone.localdate(share.withdrawn_at), share.expires_on) if share.withdrawn_at else share.expires_on
        for share in shares
    )
