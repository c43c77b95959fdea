"""Attachments (issue 16, item 6): scans and documents only, checked by content; opened
copies live in a private folder removed at exit."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Attachment
from receptiondesk.services import attachments, petitions
from receptiondesk.services.errors import ValidationError

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32


@pytest.fixture
def petition(session, unit):
    from datetime import date, timedelta

    return petitions.register_petition(session, unit.id, petitions.PetitionInput(
        received_date=date.today() - timedelta(days=2), petition_type="complaint",
        content="Khiếu nại", petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]))


def _attach(session, unit, petition, path: Path):
    return attachments.add_attachment(session, unit.id, "petition", petition.id, path)


@pytest.mark.parametrize("name, data, words", [
    ("don-to-cao.pdf.bat", b"@echo off\r\nformat c: /q\r\n", "only scans and documents"),
    ("don-to-cao.pdf.bat", PDF, "contains a PDF document"),
    ("bao-cao.docx", b"PK\x03\x04 a word document", "only scans and documents"),
    ("chay.exe", b"MZ\x90\x00", "only scans and documents"),
    ("anh.png", PDF, "not a real PNG file"),
])
def test_anything_but_a_scan_or_document_is_refused(session, unit, petition, tmp_path,
                                                     name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValidationError, match=words):
        _attach(session, unit, petition, path)
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_pdf_and_tiff_scans_are_kept_by_their_content(session, unit, petition, tmp_path):
    for name, data, media_type in (("don.pdf", PDF, "application/pdf"),
                                   ("ban-chup.tif", TIFF, "image/tiff")):
        path = tmp_path / name
        path.write_bytes(data)
        assert _attach(session, unit, petition, path).media_type == media_type


def test_an_opened_copy_is_private_named_by_its_type_and_removed(tmp_path):
    copy = attachments.opened_copy("đơn gốc.pdf", "application/pdf", PDF)
    try:
        assert copy.read_bytes() == PDF and copy.suffix == ".pdf"
        assert copy.parent.parent == attachments._private_folder()
        if os.name == "posix":  # only this user may read the folder
            assert stat.S_IMODE(attachments._private_folder().stat().st_mode) == 0o700
        # a file kept before the types were checked is not handed to the system
        with pytest.raises(ValidationError, match="not a PDF or an image"):
            attachments.opened_copy("x.bat", "application/octet-stream", b"@echo off")
        with pytest.raises(ValidationError, match="not a PDF or an image"):
            attachments.opened_copy("x.pdf", "application/pdf", b"@echo off")
    finally:
        attachments.remove_opened_copies()
    assert not copy.exists() and not copy.parent.exists()


def test_opened_copies_are_removed_when_the_program_exits():
    script = ("from receptiondesk.services import attachments\n"
              f"print(attachments.opened_copy('don.pdf', 'application/pdf', {PDF!r}))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.strip()
    copy = Path(out)
    assert copy.name == "don.pdf"
    assert not copy.exists() and not copy.parent.parent.exists()
