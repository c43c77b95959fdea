"""Bounded input (issue 16, item 3): every text a form takes has a length limit, and a
longer text is refused with a message naming the field and the limit, writing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Inspection, Petition, Visit, WorkingMeeting
from receptiondesk.services import inspections, meetings, petitions, reception
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.validation import (
    ADDRESS_LENGTH,
    NOTE_LENGTH,
    TEXT_LENGTH,
)

TODAY = date.today()
DAY = TODAY - timedelta(days=3)


def _refused(call, field: str, limit: int) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    messages = {e.field: e.message for e in caught.value.errors}
    assert field in messages, messages
    assert f"{limit:,}" in messages[field] and "too long" in messages[field]
    return messages[field]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_petition_longer_than_a_spreadsheet_cell_is_refused_by_field(session, unit):
    def register(**changes):
        values = dict(received_date=DAY, petition_type="complaint",
                      content="Khiếu nại việc thu hồi đất", field_code="land",
                      petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]) | changes
        return petitions.register_petition(session, unit.id, petitions.PetitionInput(**values),
                                           today=TODAY)

    message = _refused(lambda: register(content="x" * (TEXT_LENGTH + 1)), "content", TEXT_LENGTH)
    assert message.startswith("Content")
    _refused(lambda: register(petitioners=[petitions.PetitionerInput(
        "Nguyễn Văn An", address="a" * (ADDRESS_LENGTH + 1))]), "petitioners.0.address",
        ADDRESS_LENGTH)
    _refused(lambda: register(petitioners=[petitions.PetitionerInput("N" * 121)]),
             "petitioners.0.full_name", 120)
    assert _count(session, Petition) == 0
    p = register(content="x" * TEXT_LENGTH)  # exactly the limit is kept
    _refused(lambda: petitions.add_note(session, p.id, DAY, "n" * (NOTE_LENGTH + 1),
                                        today=TODAY), "note", NOTE_LENGTH)


def test_visit_meeting_and_inspection_texts_are_bounded(session, unit, official):
    rs = reception.create_session(session, unit.id, reception.SessionInput(
        session_date=DAY, presiding_official_id=official.id), today=TODAY)
    _refused(lambda: reception.add_visit(session, rs.id, reception.VisitInput(
        content="Đề nghị", head_count=6, representatives="r",
        notes="n" * (NOTE_LENGTH + 1)), today=TODAY), "notes", NOTE_LENGTH)
    assert _count(session, Visit) == 0
    _refused(lambda: meetings.create_meeting(session, unit.id, meetings.MeetingInput(
        meeting_date=DAY, chaired_by_id=official.id, content="Họp",
        conclusions="c" * (TEXT_LENGTH + 1)), today=TODAY), "conclusions", TEXT_LENGTH)
    assert _count(session, WorkingMeeting) == 0
    _refused(lambda: inspections.create_inspection(session, unit.id, inspections.InspectionInput(
        inspection_date=DAY, organisations="Chi bộ thôn Bản Phăng", content="Kiểm tra",
        findings="f" * (TEXT_LENGTH + 1)), today=TODAY), "findings", TEXT_LENGTH)
    assert _count(session, Inspection) == 0


def test_the_limit_is_written_in_the_users_language(session, unit):
    from receptiondesk.i18n import set_language

    set_language("vi")
    try:
        with pytest.raises(ValidationError) as caught:
            petitions.register_petition(session, unit.id, petitions.PetitionInput(
                received_date=DAY, petition_type="complaint", content="x" * (TEXT_LENGTH + 1),
                petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]), today=TODAY)
    finally:
        set_language("en")
    message = caught.value.errors[0].message
    assert "32.767" in message and "Nội dung" in message


# --- import files ---------------------------------------------------------------------------

PETITION_HEADER = "ref,received_date,type,petitioner_name,content"


def _import(session, path):
    from receptiondesk.exchange.importer import import_file

    return import_file(session, "petitions", path, today=TODAY)


def _import_refused(session, path) -> str:
    from receptiondesk.exchange.importer import ImportFailed

    with pytest.raises(ImportFailed) as caught:
        _import(session, path)
    assert _count(session, Petition) == 0
    return "\n".join(caught.value.lines())


def test_a_csv_cell_of_50_mb_is_refused_with_its_row_and_column(session, unit, tmp_path):
    path = tmp_path / "big-cell.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(PETITION_HEADER + "\n")
        fh.write(f"P-1,{DAY.isoformat()},complaint,Nguyễn Văn An,Đề nghị\n")
        fh.write(f"P-2,{DAY.isoformat()},complaint,Lò Thị Bình,\"" + "x" * 50_000_000 + "\"\n")
    assert path.stat().st_size < 50 * 2**20  # within the file limit: the cell is refused
    message = _import_refused(session, path)
    assert "Row 3, column content" in message and "32,767" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(session, unit, tmp_path):
    from receptiondesk.exchange.tables import MAX_FILE_BYTES

    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(PETITION_HEADER.encode() + b"\n")
        fh.truncate(MAX_FILE_BYTES + 1)
    message = _import_refused(session, path)
    assert "too large" in message and "50 MB" in message


def test_a_file_over_the_row_limit_is_refused(session, unit, tmp_path, monkeypatch):
    from receptiondesk.exchange import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    rows = [f"P-{i},{DAY.isoformat()},complaint,Nguyễn Văn An,Đề nghị {i}" for i in range(4)]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([PETITION_HEADER, *rows]) + "\n", encoding="utf-8")
    assert "more than 3 rows" in _import_refused(session, path)
    path.write_text("\n".join([PETITION_HEADER, *rows[:3]]) + "\n", encoding="utf-8")
    assert _import(session, path).counts["petitions"] == 3


def _xlsx_with(tmp_path, name: str, rewrite) -> Path:
    """A real workbook whose first sheet's XML is rewritten by ``rewrite``."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(PETITION_HEADER.split(","))
    ws.append(["P-1", DAY.isoformat(), "complaint", "Nguyễn Văn An", "Đề nghị"])
    plain = tmp_path / ("plain-" + name)
    wb.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = rewrite(data)
            dst.writestr(info, data)
    return path


def _attacks(tmp_path) -> list[Path]:
    """An XXE workbook (a cell reads a local file) and a "billion laughs" one."""
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu")
    dtd_xxe = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>'
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    dtd_laughs = '<!DOCTYPE worksheet [<!ENTITY l0 "ha">' + laughs + "]>"

    def with_dtd(dtd: str, entity: str):
        return lambda xml: (b'<?xml version="1.0"?>' + dtd.encode()
                            + xml.replace(b"<t>P-1</t>", f"<t>&{entity};</t>".encode(), 1))

    return [_xlsx_with(tmp_path, "xxe.xlsx", with_dtd(dtd_xxe, "x")),
            _xlsx_with(tmp_path, "laughs.xlsx", with_dtd(dtd_laughs, "l9"))]


def test_xxe_and_billion_laughs_workbooks_are_refused_with_a_message(session, unit, tmp_path):
    for path in _attacks(tmp_path):
        message = _import_refused(session, path)
        assert "declares XML entities" in message and path.name in message


def test_defusedxml_refuses_them_too_without_the_check_before(session, unit, tmp_path,
                                                              monkeypatch):
    from receptiondesk.exchange import tables

    monkeypatch.setattr(tables, "_has_dtd", lambda zf, info: False)
    for path in _attacks(tmp_path):
        message = _import_refused(session, path)
        assert "Cannot read the Excel file " + path.name in message


def test_openpyxl_reads_xml_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_a_workbook_part_that_unpacks_too_large_is_refused(session, unit, tmp_path,
                                                           monkeypatch):
    from receptiondesk.exchange import tables

    monkeypatch.setattr(tables, "MAX_XLSX_PART_BYTES", 4096)
    path = _xlsx_with(tmp_path, "bomb.xlsx", lambda xml: xml.replace(
        b"</worksheet>", b"<!--" + b"z" * 10_000
        + b"--></worksheet>"))
    assert "unpacks to" in _import_refused(session, path)
