"""Exports stream in pages; formulas are never written; the code lists for `receptiondesk codes`."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from receptiondesk.exchange import exporter
from receptiondesk.exchange.codes import ORDER, code_lists, list_titles
from receptiondesk.exchange.exporter import ExportCancelled, ExportError, export_file
from receptiondesk.exchange.importer import import_file
from receptiondesk.i18n import set_language
from receptiondesk.model import Petition, Petitioner

TODAY = date(2026, 3, 1)
TYPES = ("complaint", "denunciation", "recommendation", "reflection", "mixed")


@pytest.fixture
def many_petitions(session, unit):
    """2,000 generated petitions (inserted directly: this tests the export, not the services)."""
    start = date(2024, 1, 1)
    for i in range(2000):
        p = Petition(unit_id=unit.id, ref=f"{i + 1:04d}/G",
                     received_date=start + timedelta(i % 700), source_code="post",
                     petition_type=TYPES[i % 5], field_code="land",
                     content=f"Nội dung đơn số {i + 1}", status="received", signers=1 + i % 3)
        p.petitioners.append(Petitioner(unit_id=unit.id, seq=1, full_name=f"Công dân {i + 1}",
                                        address="Bản Phăng"))
        session.add(p)
        if i % 500 == 499:
            session.flush()
    session.commit()
    return 2000


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_2000_petitions_stream_in_pages(session, many_petitions, tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(exporter, "PAGE_SIZE", 100)
    options = []

    @event.listens_for(session, "do_orm_execute")
    def spy(state):
        options.append(state.execution_options.get("yield_per"))

    calls = []
    out = tmp_path / f"petitions{suffix}"
    n = export_file(session, "petitions", out, progress=lambda done, total: calls.append(
        (done, total)))
    event.remove(session, "do_orm_execute", spy)

    assert n == many_petitions
    assert 100 in options, "the rows were not fetched a page at a time (yield_per)"
    assert calls[0] == (100, 2000) and calls[-1] == (2000, 2000)
    if suffix == ".csv":
        rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    else:
        ws = load_workbook(out, read_only=True).worksheets[0]
        values = list(ws.iter_rows(values_only=True))
        width = len(values[0])  # empty trailing cells are not stored
        rows = [dict(zip(values[0], r + (None,) * (width - len(r)), strict=True))
                for r in values[1:]]
    assert len(rows) == 2000
    assert {r["type"] for r in rows} == set(TYPES)
    # denunciations leave without their petitioners' identity
    assert all(r["petitioner_name"] == "***" for r in rows if r["type"] == "denunciation")
    assert not (tmp_path / f"petitions{suffix}.part").exists()


def test_cancelled_export_leaves_no_file(session, many_petitions, tmp_path, monkeypatch):
    monkeypatch.setattr(exporter, "PAGE_SIZE", 100)
    out = tmp_path / "p.xlsx"
    with pytest.raises(ExportCancelled):
        export_file(session, "petitions", out, progress=lambda done, total: done < 500)
    assert not out.exists() and not (tmp_path / "p.xlsx.part").exists()


def test_export_refuses_unknown_kinds_and_extensions(session, unit, tmp_path):
    with pytest.raises(ExportError):
        export_file(session, "budgets", tmp_path / "x.csv")
    with pytest.raises(ExportError, match=".csv or .xlsx"):
        export_file(session, "petitions", tmp_path / "x.ods")


def test_text_that_looks_like_a_formula_is_never_run(session, unit, official, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("ref,date,chaired_by,content,conclusions\n"
                   "LV-1,2026-01-20,Lò Văn Khoa,=HYPERLINK(\"http://x\"),-1+2\n",
                   encoding="utf-8")
    import_file(session, "meetings", src, today=TODAY)
    out_csv, out_xlsx = tmp_path / "o.csv", tmp_path / "o.xlsx"
    export_file(session, "meetings", out_csv)
    export_file(session, "meetings", out_xlsx)
    row = next(csv.DictReader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert row["content"] == "'=HYPERLINK(\"http://x\")" and row["conclusions"] == "'-1+2"
    ws = load_workbook(out_xlsx).worksheets[0]
    cell = ws["G2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    # and both read back as they were typed
    from receptiondesk.exchange.tables import read_table

    for path in (out_csv, out_xlsx):
        table = read_table(path, "meetings")
        assert table[0]["content"] == "=HYPERLINK(\"http://x\")"
        assert table[0]["conclusions"] == "-1+2"


def test_code_lists(session):
    lists = code_lists(session)
    assert tuple(lists) == ORDER
    assert set(list_titles()) == set(ORDER)
    assert [c for c, _ in lists["type"]] == list(TYPES)
    assert ("land", "Land management") in lists["field_code"]
    assert ("post", "By post") in lists["source"]
    assert [c for c, _ in lists["status"]][:2] == ["received", "classified"]
    assert [c for c, _ in lists["logbook_handling"]] == ["accept", "guide", "forward", "none"]
    for name in ("handling", "result", "session_kind", "meeting_kind", "inspection_kind",
                 "inspection_body", "level", "unit_kind"):
        assert lists[name], name


def test_code_list_labels_follow_the_language(session):
    set_language("vi")
    try:
        lists = code_lists(session)
    finally:
        set_language("en")
    # the lookup tables carry their own Vietnamese names
    assert ("land", "Quản lý đất đai") in lists["field_code"]
