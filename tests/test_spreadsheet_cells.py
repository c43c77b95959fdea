"""Every CSV and XLSX the application writes shows text that begins like a formula as text.

A unit, a field, a citizen and a visit's content each begin with one of the characters a
spreadsheet runs (``=``, ``+``, ``-``, ``@``, tab, carriage return). The table exports
(every kind, CSV and XLSX), the national export, the log book workbook and the periodic
report's workbook must hold them as text: a CSV cell starts with ``'``, an XLSX cell is
a string with Excel's quote prefix, and no cell anywhere is a formula.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from receptiondesk.documents.logbook_xlsx import write_logbook_xlsx
from receptiondesk.exchange.cells import FORMULA_LIKE
from receptiondesk.exchange.exporter import export_file
from receptiondesk.exchange.national import Scope, export_national
from receptiondesk.model import Field
from receptiondesk.reports.outputs import write_xlsx
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.periods import Period
from receptiondesk.services import petitions as ps
from receptiondesk.services import reception, units
from receptiondesk.services.citizens import CitizenInput

TODAY = date.today()
RECEIVED = TODAY - timedelta(days=20)
LEADS = ("=", "+", "-", "@", "\t", "\r")


def _plant(session, lead: str) -> dict[str, str]:
    """A province over a commune whose name, field, citizen and content begin with
    ``lead``; returns what was planted (tab and CR cannot be typed into a form, so the
    names are set on the records as an import or a bundle could bring them)."""
    texts = {
        "unit": lead + "SUM(1+1) Đảng ủy xã Mường Phăng",
        "field": lead + "HYPERLINK(\"http://x\") Đất đai",
        "citizen": lead + "cmd|' /C calc'!A0 Lò Văn Páo",
        "content": lead + "1+2 Tranh chấp đất đai với hộ liền kề",
    }
    province = units.create_unit(session, units.UnitInput(
        code="TU", name="Tỉnh ủy Điện Biên", level="province", kind="party",
        parent_body_name="Đảng bộ tỉnh Điện Biên"), home=True)
    commune = units.create_unit(session, units.UnitInput(
        code="DU-MP", name="Đảng ủy xã Mường Phăng", level="commune", kind="party",
        parent_code="TU", place_name="Mường Phăng"))
    commune.name = texts["unit"]
    field = session.get(Field, "land")
    field.name_vi = field.name_en = texts["field"]
    official = units.create_official(session, commune.id, units.OfficialInput(
        full_name="Lò Văn Khoa", position="Bí thư Đảng ủy", duty_role="party_secretary"))
    rs = reception.create_session(session, commune.id, reception.SessionInput(
        session_date=RECEIVED, presiding_official_id=official.id), today=TODAY)
    visit = reception.add_visit(session, rs.id, reception.VisitInput(
        content="Tranh chấp đất đai", handling="guide", petition_type="complaint",
        new_citizen=CitizenInput("Lò Văn Páo", 1970, "male", None, "Bản Na Sang")),
        today=TODAY)
    visit.content = texts["content"]
    visit.citizen.full_name = texts["citizen"]
    petition = ps.register_petition(session, commune.id, ps.PetitionInput(
        received_date=RECEIVED, petition_type="complaint", content="Tranh chấp đất đai",
        field_code="land", petitioners=[ps.PetitionerInput(full_name="Lò Văn Páo")]),
        today=TODAY)
    petition.content = texts["content"]
    session.flush()
    return {"province": province.id, **texts}


def _csv_cells(path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _xlsx_cells(path) -> list:
    book = load_workbook(path)
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if cell.value is not None]


def _assert_csv_text(path, planted: list[str]) -> None:
    cells = _csv_cells(path)
    assert not [c for c in cells if FORMULA_LIKE.match(c)], path.name
    found = [p for p in planted if any(c == "'" + p or ("'" + p) in c for c in cells)]
    assert found, f"{path.name} holds none of the planted texts"


def _assert_xlsx_text(path, planted: list[str]) -> None:
    cells = _xlsx_cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"], path.name
    risky = [c for c in cells if isinstance(c.value, str) and FORMULA_LIKE.match(c.value)]
    assert all(c.data_type == "s" and c.quotePrefix for c in risky), path.name
    # XML reads a carriage return back as a line feed, which no spreadsheet runs;
    # xlsxwriter (the national export) writes it as Excel's escape, read back as written
    escaped = [c for c in cells if str(c.value).startswith("_x000D_")]
    assert all(c.data_type == "s" and c.quotePrefix for c in escaped), path.name
    texts = {c.value for c in risky} | {c.value for c in cells if str(c.value).startswith("\n")}
    texts |= {c.value.replace("_x000D_", "\n", 1) for c in escaped}
    assert any(p.replace("\r", "\n") in texts for p in planted), \
        f"{path.name} holds none of the planted texts"


@pytest.mark.parametrize("lead", LEADS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_text_beginning_like_a_formula_is_text_in_every_spreadsheet(
        session, cleared, tmp_path, lead):
    planted = _plant(session, lead)
    texts = [planted[k] for k in ("unit", "field", "citizen", "content")]
    for kind in ("units", "logbook", "petitions"):  # meetings: test_exchange_export
        for suffix in (".csv", ".xlsx"):
            out = tmp_path / f"{kind}{suffix}"
            assert export_file(session, kind, out, reveal_identity=True) > 0, out.name
            if suffix == ".csv":
                _assert_csv_text(out, texts)
            else:
                _assert_xlsx_text(out, texts)
    national = tmp_path / "national.xlsx"
    export_national(session, national, Scope(planted["province"]), allow_unmapped=True,
                    today=TODAY)
    _assert_xlsx_text(national, texts)

    book = tmp_path / "book.xlsx"
    assert write_logbook_xlsx(session, [u.id for u in units.list_units(session)],
                              RECEIVED, TODAY, book, cleared=True) == 1
    _assert_xlsx_text(book, [planted["citizen"] + ", Bản Na Sang", planted["content"]])
    cells = {c.value for c in _xlsx_cells(book)}
    assert planted["content"].replace("\r", "\n") in cells

    report = periodic_report(session, planted["province"], Period(RECEIVED, TODAY),
                             today=TODAY)
    workbook = tmp_path / "report.xlsx"
    write_xlsx(report, workbook)
    cells = {c.value for c in _xlsx_cells(workbook)}
    assert {planted["unit"].replace("\r", "\n"), planted["field"].replace("\r", "\n")} <= cells
    _assert_xlsx_text(workbook, [planted["unit"], planted["field"]])
