"""Cases brought through prepared repatriation by the real services, and files to attach."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from cases.codes import ResidenceStatus
from cases.models import Case
from grants import services as grants
from grants.models import Share
from repatriation import services
from tests.states import granted, identified_case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def dis_period_case(referrer, assessor, *, decided_days_ago: int = 400, **referral) -> Case:
    """A DIS case (no legal residence) in its period, assessed `decided_days_ago` days ago."""
    referral.setdefault("received_at", timezone.now() - dt.timedelta(days=decided_days_ago + 1))
    case = identified_case(referrer, assessor, **referral)
    case.assessment.decided_on = days_ago(decided_days_ago)
    case.assessment.save(update_fields=["decided_on"])
    return granted(fresh(case), assessor)


def cmm_period_case(referrer, *, decided_days_ago: int = 400) -> Case:
    return dis_period_case(
        referrer, referrer, decided_days_ago=decided_days_ago, residence_status=ResidenceStatus.LEGAL_RESIDENCE
    )


def offered(case: Case, actor, offered_on: dt.date | None = None) -> Case:
    case = fresh(case)
    services.repatriation_offer(
        case=case, actor=actor, expected_version=case.version, offered_on=offered_on or days_ago(300)
    )
    return fresh(case)


def answered(case: Case, actor, answer: str = "accepted", answered_on: dt.date | None = None) -> Case:
    case = fresh(case)
    services.repatriation_decide(
        case=case,
        actor=actor,
        expected_version=case.version,
        answer=answer,
        answered_on=answered_on or days_ago(290),
        reasons="Vil gerne hjem til familien.",
    )
    return fresh(case)


def accepted_case(referrer, assessor) -> Case:
    case = dis_period_case(referrer, assessor)
    return answered(offered(case, assessor), assessor)


def returned(case: Case, actor, returned_on: dt.date | None = None) -> Case:
    case = fresh(case)
    services.return_record(
        case=case, actor=actor, expected_version=case.version, returned_on=returned_on or days_ago(60)
    )
    return fresh(case)


def shared_for_repatriation(case: Case, contact, team, days: int = 90) -> Share:
    case = fresh(case)
    today = timezone.localdate()
    return grants.share_create(
        case=case,
        actor=contact,
        expected_version=case.version,
        team=team,
        scope=Share.Scope.REPATRIATION,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=days),
    )


def png(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF holds a GPS position (55.676° N, 12.568° E) and a camera make."""
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Kamerafirma"  # Make
    gps = {1: "N", 2: (55.0, 40.0, 33.0), 3: "E", 4: (12.0, 34.0, 6.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), xmp=b"<x:xmpmeta>Hemmeligt sted</x:xmpmeta>")
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
