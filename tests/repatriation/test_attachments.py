"""Attachments are judged by their content: PDF, JPEG or PNG that really open, at most 10 MB, images re-encoded
without metadata, stored encrypted."""

import io

import pytest
from django.db import connection
from PIL import Image

from repatriation import services
from repatriation.attachments import MAX_BYTES, AttachmentRefused, attachment_clean
from repatriation.models import FollowUpAttachment

from .helpers import ELF, EXE, accepted_case, days_ago, jpeg_with_gps, pdf, png, returned


@pytest.mark.parametrize("content", [ELF, EXE], ids=["elf-renamed-pdf", "exe-renamed-pdf"])
def test_a_renamed_executable_is_refused(content):
    with pytest.raises(AttachmentRefused, match="ikke en PDF, JPEG eller PNG"):
        attachment_clean(content)


def test_a_file_that_only_starts_like_a_pdf_or_png_is_refused():
    with pytest.raises(AttachmentRefused, match="kan ikke åbnes"):
        attachment_clean(b"%PDF-1.7\n" + ELF)
    with pytest.raises(AttachmentRefused, match="kan ikke læses"):
        attachment_clean(png()[:40])


def test_an_oversized_file_is_refused():
    with pytest.raises(AttachmentRefused, match="højst fylde 10 MB"):
        attachment_clean(pdf() + b"\0" * MAX_BYTES)


def test_a_jpeg_with_gps_comes_out_without_any_metadata():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the position is there

    cleaned = attachment_clean(original)

    image = Image.open(io.BytesIO(cleaned.content))
    assert cleaned.kind == "jpeg" and image.format == "JPEG" and image.size == (64, 48)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "xmp" not in image.info
    assert (
        b"Exif" not in cleaned.content and b"Hemmeligt" not in cleaned.content and b"Kamerafirma" not in cleaned.content
    )


def test_a_png_and_a_pdf_are_accepted():
    assert attachment_clean(png()).kind == "png"
    assert Image.open(io.BytesIO(attachment_clean(png()).content)).size == (40, 30)
    assert attachment_clean(pdf()).content == pdf()


@pytest.mark.django_db
def test_attachments_are_stored_encrypted_never_in_clear(cmm_worker, dis_worker):
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker)
    services.follow_up_report_add(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        written_on=days_ago(0),
        text="Rapport",
        attachments=[("a", pdf()), ("b", png())],
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM repatriation_followupattachment ORDER BY number")
        stored = [row[0] for row in cursor.fetchall()]
    assert all(value.startswith("f1:") for value in stored)
    assert all("JVBERi" not in value and "iVBOR" not in value for value in stored)  # no base64 of %PDF or PNG
    assert [a.content[:4] for a in FollowUpAttachment.objects.order_by("number")] == [b"%PDF", b"\x89PNG"]


@pytest.mark.django_db
def test_a_refused_attachment_stores_nothing_and_names_the_file(cmm_worker, dis_worker):
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker)
    with pytest.raises(services.DomainError, match="program.pdf"):
        services.follow_up_report_add(
            case=case,
            actor=dis_worker,
            expected_version=case.version,
            written_on=days_ago(0),
            text="Rapport",
            attachments=[("Fil 1 (rapport.pdf)", pdf()), ("Fil 2 (program.pdf)", EXE)],
        )
    assert not FollowUpAttachment.objects.exists()
