"""Reads of the repatriation for the case page and the reports page: fixed numbers of queries."""

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from cases.models import Case
from privacy import crypto

from .models import FollowUpAttachment, FollowUpReport, ReintegrationSupport


def _plain(stored: str) -> str:
    return crypto.decrypt(stored) if stored else ""


def support_items(case: Case) -> list[ReintegrationSupport]:
    """The support items, from the JSON the case page's query brought along (cases.queries.repatriation_annotations).

    The free texts come as ciphertext from the database and are decrypted here, as the fields would.
    """
    return [
        ReintegrationSupport(
            kind=row["kind"],
            amount=Decimal(row["amount"]),
            currency=row["currency"],
            paid_to_family_member=row["paid_to_family_member"],
            family_member_reason=_plain(row["family_member_reason"]),
            note=_plain(row["note"]),
        )
        for row in getattr(case, "support_items_json", None) or []
    ]


def follow_up_reports(case: Case) -> QuerySet[FollowUpReport]:
    """The case's reports, newest first, with their attachments' numbers and kinds (never their content)."""
    attachments = FollowUpAttachment.objects.only("id", "report_id", "number", "kind", "size").order_by("number")
    return (
        FollowUpReport.objects.filter(case=case)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("-written_on", "-id")
    )


def attachment_for(case: Case, attachment_id: int) -> FollowUpAttachment | None:
    return (
        FollowUpAttachment.objects.filter(pk=attachment_id, report__case=case)
        .select_related("report")
        .only("id", "number", "kind", "size", "content", "report__written_on", "report__case_id")
        .first()
    )
