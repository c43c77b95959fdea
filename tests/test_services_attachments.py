"""Files kept with a petition: stored with their hash, typed by content, refused when lying."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from receptiondesk.services import attachments, petitions
from receptiondesk.services.errors import NotFoundError, ValidationError

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def petition(session, unit):
    return petitions.register_petition(
        session,
        unit.id,
        petitions.PetitionInput(
            received_date=date.today() - timedelta(days=3),
            petition_type="complaint",
            content="Khiếu nại việc thu hồi đất",
            petitioners=[petitions.PetitionerInput("Nguyễn Văn An")],
        ),
    )


def test_pdf_is_stored_with_hash_and_type(session, unit, petition, tmp_path):
    path = tmp_path / "don-khieu-nai.pdf"
    path.write_bytes(PDF_BYTES)
    a = attachments.add_attachment(session, unit.id, "petition", petition.id, path)
    assert a.media_type == "application/pdf"
    assert a.size == len(PDF_BYTES)
    assert a.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    listed = attachments.list_attachments(session, "petition", petition.id)
    assert [x.file_name for x in listed] == ["don-khieu-nai.pdf"]
    assert attachments.attachment_data(session, a.id) == PDF_BYTES


@pytest.mark.parametrize(("name", "data", "media_type"), [
    ("scan.png", PNG_BYTES, "image/png"),
    ("scan.JPG", JPEG_BYTES, "image/jpeg"),
    ("scan.jpeg", JPEG_BYTES, "image/jpeg"),
    ("ban-chup.tiff", b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
])
def test_media_type_comes_from_content(session, unit, petition, tmp_path, name, data,
                                       media_type):
    path = tmp_path / name
    path.write_bytes(data)
    a = attachments.add_attachment(session, unit.id, "petition", petition.id, path)
    assert a.media_type == media_type


def test_file_named_pdf_that_is_not_a_pdf_is_refused(session, unit, petition, tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"this is plain text pretending to be a PDF")
    with pytest.raises(ValidationError) as info:
        attachments.add_attachment(session, unit.id, "petition", petition.id, path)
    message = info.value.for_field("path")
    assert message and "fake.pdf" in message and "PDF" in message
    assert attachments.list_attachments(session, "petition", petition.id) == []


def test_pdf_hidden_behind_another_extension_is_refused(session, unit, petition, tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(PDF_BYTES)
    with pytest.raises(ValidationError):
        attachments.add_attachment(session, unit.id, "petition", petition.id, path)
    path = tmp_path / "document.doc"
    path.write_bytes(PDF_BYTES)
    with pytest.raises(ValidationError):
        attachments.add_attachment(session, unit.id, "petition", petition.id, path)


def test_missing_empty_and_unknown_owner(session, unit, petition, tmp_path):
    with pytest.raises(ValidationError):
        attachments.add_attachment(session, unit.id, "petition", petition.id,
                                   tmp_path / "missing.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError):
        attachments.add_attachment(session, unit.id, "petition", petition.id, empty)
    good = tmp_path / "ok.pdf"
    good.write_bytes(PDF_BYTES)
    with pytest.raises(NotFoundError):
        attachments.add_attachment(session, unit.id, "petition", "0" * 32, good)
    with pytest.raises(ValidationError):
        attachments.add_attachment(session, unit.id, "spaceship", petition.id, good)


def test_damaged_copy_is_detected(session, unit, petition, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(PDF_BYTES)
    a = attachments.add_attachment(session, unit.id, "petition", petition.id, path)
    a.sha256 = "0" * 64
    session.flush()
    with pytest.raises(ValidationError):
        attachments.attachment_data(session, a.id)
