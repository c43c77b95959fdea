"""The export for the national complaints database: codes per column, refusal of unmapped
values, the period and unit filters, denouncers' identities kept out, the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from receptiondesk.cli import main
from receptiondesk.exchange.exporter import ExportCancelled
from receptiondesk.exchange.national import (
    COLUMNS,
    Scope,
    UnmappedCodesError,
    export_national,
    find_unmapped,
)
from receptiondesk.services import lookups, national_codes, units
from receptiondesk.services import petitions as ps

TODAY = date(2026, 3, 1)
DENOUNCER = "Trần Văn Tố"
DENOUNCER_ID = "001234567890"


def _petition(session, unit_id, ptype, received, name, id_number=None, source="post",
              field="land", signers=1):
    data = ps.PetitionInput(
        received_date=received, petition_type=ptype, content=f"Nội dung đơn của {name}",
        source_code=source, field_code=field, ref=f"{name[:3]}-{received.isoformat()}",
        signers=signers, petitioners=[ps.PetitionerInput(full_name=name, id_number=id_number,
                                                         address="Bản Phăng")])
    return ps.register_petition(session, unit_id, data, today=TODAY)


def _classify(session, p, on, competent=True):
    # the unit is a Party committee: the complaints it accepts are about Party discipline
    ps.classify(session, p.id, ps.Classification(
        eligible=True, within_competence=competent,
        party_matter=p.petition_type == "complaint"), on, today=TODAY)


@pytest.fixture
def office(session, unit):
    """A commune with a national code, a subordinate unit, and petitions in several states."""
    national_codes.save_national_code(session, "unit", unit.id, "11606")
    child = units.create_unit(session, units.UnitInput(
        code="CB-A", name="Chi bộ bản A", level="commune", parent_code=unit.code,
        national_code="11606-A"))
    made = {}
    handler = units.create_official(session, unit.id, units.OfficialInput("Lò Văn Thụ"))
    resolved = _petition(session, unit.id, "complaint", date(2026, 1, 5), "Lò Thị Khiếu",
                         "001987654321", signers=3)
    _classify(session, resolved, date(2026, 1, 6))
    ps.decide_handling(session, resolved.id, "accept", date(2026, 1, 7), handler.id,
                       today=TODAY)
    ps.start_resolution(session, resolved.id, date(2026, 1, 8), today=TODAY)
    ps.record_result(session, resolved.id, "correct", date(2026, 2, 2), today=TODAY)
    made["resolved"] = resolved
    denounced = _petition(session, unit.id, "denunciation", date(2026, 1, 10), DENOUNCER,
                          DENOUNCER_ID, source="reception", field="corruption")
    _classify(session, denounced, date(2026, 1, 12))
    ps.decide_handling(session, denounced.id, "accept", date(2026, 1, 13), handler.id,
                       today=TODAY)
    ps.start_resolution(session, denounced.id, date(2026, 1, 14), today=TODAY)
    made["denounced"] = denounced
    guided = _petition(session, unit.id, "recommendation", date(2026, 1, 20), "Quàng Văn Hỏi")
    _classify(session, guided, date(2026, 1, 21), competent=False)
    ps.decide_handling(session, guided.id, "guide", date(2026, 1, 22),
                       handled_to="Tòa án nhân dân khu vực", today=TODAY)
    made["guided"] = guided
    forwarded = _petition(session, unit.id, "reflection", date(2026, 2, 3), "Cà Thị Phản",
                          source="online", field="environment")
    _classify(session, forwarded, date(2026, 2, 4))
    ps.decide_handling(session, forwarded.id, "forward", date(2026, 2, 5),
                       handled_to="Sở Nông nghiệp và Môi trường", today=TODAY)
    made["forwarded"] = forwarded
    made["received"] = _petition(session, unit.id, "complaint", date(2026, 2, 10), "Vì Văn Mới")
    made["old"] = _petition(session, unit.id, "complaint", date(2024, 6, 1), "Lường Văn Cũ")
    made["child"] = _petition(session, child.id, "complaint", date(2026, 1, 15),
                              "Tòng Thị Con")
    session.commit()
    return unit, child, made


def _xlsx_records(path):
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r + (None,) * (len(header) - len(r)), strict=True))
            for r in rows[1:]]


def _by_name(records, name_part):
    return next(r for r in records if name_part in (r["content_summary"] or ""))


def test_xlsx_has_the_national_codes_per_column(session, office, tmp_path):
    unit, _child, _made = office
    out = tmp_path / "national.xlsx"
    summary = export_national(session, out, Scope(unit.id, date(2026, 1, 1), date(2026, 3, 1)),
                              today=TODAY)
    records = _xlsx_records(out)
    assert summary.records == len(records) == 6  # the 2024 petition is outside the period
    assert tuple(load_workbook(out, read_only=True).worksheets[0].iter_rows(
        max_row=1, values_only=True))[0] == COLUMNS

    resolved = _by_name(records, "Lò Thị Khiếu")
    assert resolved["unit_code"] == "11606"
    assert (resolved["source_code"], resolved["source"]) == ("02", "By post")
    assert (resolved["type_code"], resolved["type"]) == ("01", "Complaint")
    assert (resolved["field_code"], resolved["field"]) == ("01", "Land management")
    assert (resolved["competence_code"], resolved["competence"]) == (
        "01", "Within the unit's competence")
    assert (resolved["handling_code"], resolved["handling"]) == ("01", "Accept for resolution")
    assert (resolved["result_code"], resolved["result"]) == ("01", "Correct")
    assert resolved["result_date"].date() == date(2026, 2, 2)
    assert resolved["status_code"] == "resolved" and resolved["overdue"] == "no"
    assert (resolved["petitioners"], resolved["signers"]) == (1, 3)
    assert resolved["petitioner_name"] == "Lò Thị Khiếu"
    assert resolved["petitioner_id_number"] == "001987654321"

    guided = _by_name(records, "Quàng Văn Hỏi")
    assert (guided["competence_code"], guided["handling_code"]) == ("02", "02")
    assert guided["handled_to"] == "Tòa án nhân dân khu vực"
    forwarded = _by_name(records, "Cà Thị Phản")
    assert (forwarded["competence_code"], forwarded["handling_code"]) == ("02", "03")
    assert (forwarded["source_code"], forwarded["field_code"]) == ("05", "08")
    received = _by_name(records, "Vì Văn Mới")
    assert received["competence_code"] is None and received["handling_code"] is None
    assert received["deadline"] is not None
    child = _by_name(records, "Tòng Thị Con")
    assert child["unit_code"] == "11606-A"  # the units below the chosen one come along


def test_json_has_a_header_and_the_same_records(session, office, tmp_path):
    unit, _child, _made = office
    out = tmp_path / "national.json"
    export_national(session, out, Scope(unit.id, date(2026, 1, 1), date(2026, 3, 1)),
                    today=TODAY)
    doc = json.loads(out.read_text(encoding="utf-8"))
    head = doc["header"]
    assert head["count"] == len(doc["records"]) == 6
    assert head["exporting_unit"] == {"code": "DU-MP", "national_code": "11606",
                                      "name": "Đảng ủy xã Mường Phăng"}
    assert head["period"] == {"from": "2026-01-01", "to": "2026-03-01"}
    # the placeholder codes say so in the header
    assert head["code_lists"]["type"] == {"version": national_codes.DEFAULT_VERSION,
                                          "receptiondesk_defaults": True}
    assert head["created_at"]
    denounced = next(r for r in doc["records"] if r["type_code"] == "02")
    assert denounced["status_code"] == "in_resolution"
    assert denounced["received_date"] == "2026-01-10"
    assert denounced["deadline"] and denounced["overdue"] is (
        date.fromisoformat(denounced["deadline"]) < TODAY)


def test_a_denouncer_identity_never_leaves(session, office, tmp_path, cleared):
    unit, _child, made = office
    for suffix in (".json", ".xlsx"):
        out = tmp_path / f"n{suffix}"
        summary = export_national(session, out, Scope(unit.id), today=TODAY)
        assert summary.withheld_identities == 1
        if suffix == ".json":
            text = out.read_text(encoding="utf-8")
            record = next(r for r in json.loads(text)["records"]
                          if r["record_id"] == made["denounced"].id)
        else:
            records = _xlsx_records(out)
            text = repr(records)
            record = next(r for r in records if r["record_id"] == made["denounced"].id)
        # even a cleared user's file carries neither the name nor the ID number
        assert DENOUNCER not in text and DENOUNCER_ID not in text
        assert record["identity_withheld"] in (True, "yes")


def test_a_value_without_national_code_is_refused_by_name(session, office, tmp_path):
    unit, _child, made = office
    lookups.save_lookup(session, "source", lookups.LookupInput(
        "hotline", "Đường dây nóng", "Hotline"))
    made["received"].source_code = "hotline"
    national_codes.save_national_code(session, "result", "correct", "")
    session.flush()
    out = tmp_path / "refused.xlsx"
    with pytest.raises(UnmappedCodesError) as caught:
        export_national(session, out, Scope(unit.id), today=TODAY)
    messages = [u.message() for u in caught.value.unmapped]
    assert "Sources of petitions: \u201cHotline\u201d (hotline) has no national code " \
           "(1 petition)." in messages
    assert any(m.startswith("Results: \u201cCorrect\u201d (correct)") for m in messages)
    assert not out.exists() and not (tmp_path / "refused.xlsx.part").exists()

    summary = export_national(session, out, Scope(unit.id), allow_unmapped=True, today=TODAY)
    assert summary.unmapped_records == 2
    records = _xlsx_records(out)
    assert _by_name(records, "Vì Văn Mới")["source_code"] is None
    assert _by_name(records, "Vì Văn Mới")["source"] == "Hotline"


def test_a_unit_without_national_code_is_named(session, office, tmp_path):
    unit, child, _made = office
    national_codes.save_national_code(session, "unit", child.id, "")
    found = find_unmapped(session, Scope(unit.id))
    assert [(u.code_list, u.code, u.name) for u in found] == [("unit", "CB-A", "Chi bộ bản A")]
    # the child alone, then only the parent's own petitions: no problem there
    assert find_unmapped(session, Scope(unit.id, date(2026, 2, 1))) == []


def test_the_unit_filter_keeps_the_units_below(session, office, tmp_path):
    _unit, child, _made = office
    out = tmp_path / "child.json"
    export_national(session, out, Scope(child.id), today=TODAY)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["unit_code"] for r in doc["records"]] == ["11606-A"]


def test_cancelling_leaves_no_file(session, office, tmp_path, monkeypatch):
    from receptiondesk.exchange import national

    unit, _child, _made = office
    monkeypatch.setattr(national, "PAGE_SIZE", 2)
    out = tmp_path / "c.json"
    with pytest.raises(ExportCancelled):
        export_national(session, out, Scope(unit.id), progress=lambda _d, _t: False)
    assert list(tmp_path.glob("c.json*")) == []


# --- the command line -----------------------------------------------------------------


def _cli(db, *args):
    return main(["--database-url", db.url, "--lang", "en", "export", "national", *args])


def test_cli_exports_with_a_summary(db, session, office, tmp_path, capsys):
    out = tmp_path / "cli.json"
    assert _cli(db, str(out), "--from", "2026-01-01", "--to", "2026-03-01") == 0
    printed = capsys.readouterr().out
    assert f"Exported 6 petitions to {out}." in printed
    assert "placeholder codes" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["header"]["count"] == 6
    assert _cli(db, "--out", str(tmp_path / "unit.xlsx"), "--unit", "CB-A") == 0
    assert "Exported 1 petition to" in capsys.readouterr().out


def test_cli_refuses_unmapped_values_then_allows_them(db, session, office, tmp_path, capsys):
    unit, _child, _made = office
    national_codes.save_national_code(session, "unit", unit.id, "")
    session.commit()
    out = tmp_path / "cli.xlsx"
    assert _cli(db, str(out)) == 1
    err = capsys.readouterr().err
    assert "Units: \u201cĐảng ủy xã Mường Phăng\u201d (DU-MP) has no national code" in err
    assert "--allow-unmapped" in err and not out.exists()
    assert _cli(db, str(out), "--allow-unmapped") == 0
    assert "have codes left blank" in capsys.readouterr().out
    assert out.exists()


def test_cli_bad_extension_and_unknown_unit(db, session, office, tmp_path, capsys):
    assert _cli(db, str(tmp_path / "x.csv")) == 1
    assert "must end in .xlsx or .json" in capsys.readouterr().err
    assert _cli(db, str(tmp_path / "x.json"), "--unit", "NOPE") == 1
    assert "There is no unit with code NOPE." in capsys.readouterr().err


# --- the placeholder codes ------------------------------------------------------------


def test_placeholders_are_written_once_and_a_cleared_code_stays_cleared(db, session):
    from receptiondesk.model import Field
    from receptiondesk.services.database import open_database

    assert session.get(Field, "land").national_code == "01"
    assert national_codes.holds_defaults(session, "type")
    national_codes.save_national_code(session, "type", "complaint", "")
    national_codes.save_national_code(session, "field", "land", "")
    session.commit()
    again = open_database(database_url=db.url)  # the start-up step runs again
    try:
        with again.session() as s:
            codes = {e.code: e.national_code for e in national_codes.entries(s, "type")}
            assert codes["complaint"] == "" and codes["denunciation"] == "02"
            assert s.get(Field, "land").national_code == ""
    finally:
        again.close()


def test_an_edited_list_is_no_longer_marked_as_placeholders(session):
    for code, value in (("complaint", "KN"), ("denunciation", "TC")):
        national_codes.save_national_code(session, "type", code, value)
    national_codes.save_version(session, "QĐ 01/2026")
    versions = national_codes.versions(session)
    assert versions["type"] == {"version": "QĐ 01/2026", "receptiondesk_defaults": False}
    assert versions["result"]["receptiondesk_defaults"] is True


def test_a_text_that_looks_like_a_formula_stays_text(session, office, tmp_path):
    unit, _child, made = office
    made["received"].content = "=HYPERLINK(\"http://x\") Vì Văn Mới"
    session.flush()
    out = tmp_path / "f.xlsx"
    export_national(session, out, Scope(unit.id), allow_unmapped=True, today=TODAY)
    ws = load_workbook(out).worksheets[0]
    column = COLUMNS.index("content_summary") + 1
    cells = [ws.cell(row=r, column=column) for r in range(2, ws.max_row + 1)]
    formula_like = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula_like.data_type == "s"
