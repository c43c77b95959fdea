"""The upper level's spreadsheet filled with the periodic report's figures.

The records and the figures worked out by hand are those of ``test_reports.py``: a
province Party committee, a district and two communes, the first half of 2025.
"""

from __future__ import annotations

import argparse
import json
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from test_reports import (
    BY_FIELD,
    BY_HANDLING,
    BY_TYPE,
    INSPECTIONS_TOTAL,
    MEETINGS_TOTAL,
    PERIOD,
    PETITIONS,
    RECEPTION,
    RESULTS,
    SESSION_FIELDS,
    TIMELINESS,
    TODAY,
    build,
)

from receptiondesk.cli.report_commands import add_report_parser, cmd_report
from receptiondesk.i18n import set_language
from receptiondesk.reports.outputs import write_json
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.template import MAX_TEMPLATE_BYTES, fill_template, placeholders
from receptiondesk.services.errors import ValidationError


@pytest.fixture
def world(session):
    return build(session)


@pytest.fixture
def report(session, world):
    return periodic_report(session, world.province.id, PERIOD, today=TODAY)


def _expected() -> dict[str, float]:
    """Placeholder -> the hand-computed figure (not the code under test's getters)."""
    out: dict[str, float] = {}
    for level, kinds in RECEPTION.items():
        suffix = "" if level == "total" else "." + level
        for kind, values in kinds.items():
            for measure, value in zip(SESSION_FIELDS, values, strict=True):
                out[f"{measure}.{kind}{suffix}"] = value
    for level, figures in PETITIONS.items():
        suffix = "" if level == "total" else "." + level
        for key, value in figures.items():
            out[f"petitions.{key}{suffix}"] = value
    out.update({f"meetings.{'total' if k == 'meetings' else k}": v
                for k, v in MEETINGS_TOTAL.items()})
    out.update({f"inspections.{k}": v for k, v in INSPECTIONS_TOTAL.items()})
    names = ("received", "carried_over", "processed", "resolved", "percent")
    for code, values in BY_TYPE.items():
        out.update({f"petitions.type.{code}.{n}": v for n, v in zip(names, values, strict=True)})
    for code, values in BY_FIELD.items():
        out.update({f"petitions.field.{code}.{n}": v
                    for n, v in zip(names, values, strict=True)})
    out.update({f"handling.{code}": count for code, (count, _share) in BY_HANDLING.items()})
    out["handling.urge"] = 0
    out.update({f"results.{t}.{r}": n for (t, r), n in RESULTS.items()})
    out["results.denunciation.unfounded"] = 0
    out.update({f"timeliness.{k}": v for k, v in TIMELINESS.items()})
    out["inspections.body.standing_committee.inspections"] = 2
    out["inspections.body.standing_committee.organisations"] = 4
    out["inspections.body.inspection_committee.supervisions"] = 1
    out["inspections.body.peoples_committee.total"] = 0  # no such body in the period
    return out


def _template(path, names: list[str]) -> None:
    """Three sheets of placeholders as an upper level would lay them out, with a styled
    heading, a formula, a text cell around a placeholder and a sheet without any."""
    book = openpyxl.Workbook()
    sheets = [book.active, book.create_sheet("Đơn thư"), book.create_sheet("Khác")]
    sheets[0].title = "Tiếp công dân"
    sheets[0]["A1"] = "BIỂU SỐ 01"
    sheets[0]["A1"].font = Font(bold=True, name="Times New Roman", size=14)
    sheets[0]["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    for i, name in enumerate(names):
        sheet = sheets[i % 2]
        sheet.cell(row=3 + i // 2, column=1, value=name)
        sheet.cell(row=3 + i // 2, column=2, value="{{" + name + "}}")
    sheets[1]["D1"] = "=SUM(B3:B5)"
    sheets[1]["D2"] = "Tổng số đơn: {{ petitions.received }} đơn"
    sheets[2]["A1"] = "Không có ô nào cần điền"
    book.save(path)


def test_a_template_is_filled_with_every_figure_kept_as_worked_out(report, tmp_path):
    expected = _expected()
    assert len(expected) >= 30
    template, out = tmp_path / "bieu.xlsx", tmp_path / "bieu-da-dien.xlsx"
    _template(template, list(expected))
    filled = fill_template(report, template, out)
    assert filled.cells == len(expected) + 1
    book = openpyxl.load_workbook(out)
    got = {}
    for sheet in (book["Tiếp công dân"], book["Đơn thư"]):
        for name, value in sheet.iter_rows(min_row=3, max_col=2, values_only=True):
            got[name] = value
    assert got == expected
    assert all(isinstance(v, (int, float)) for v in got.values())  # numbers, not text
    # Everything else of the workbook is kept.
    assert book["Tiếp công dân"]["A1"].value == "BIỂU SỐ 01"
    assert book["Tiếp công dân"]["A1"].font.bold
    assert book["Tiếp công dân"]["A1"].fill.fgColor.rgb.endswith("FFFF00")
    assert book["Đơn thư"]["D1"].value == "=SUM(B3:B5)"
    assert book["Đơn thư"]["D2"].value == "Tổng số đơn: 8 đơn"
    assert book["Khác"]["A1"].value == "Không có ô nào cần điền"
    assert book.sheetnames == ["Tiếp công dân", "Đơn thư", "Khác"]


def test_the_filled_figures_equal_the_json_report(report, tmp_path):
    """Every placeholder of the vocabulary, against the report's JSON."""
    data = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    vocabulary = [p.name for p in placeholders(report.field_names)]
    template, out = tmp_path / "all.xlsx", tmp_path / "all-filled.xlsx"
    _template(template, vocabulary)
    fill_template(report, template, out)
    book = openpyxl.load_workbook(out)
    got = {name: value for sheet in (book["Tiếp công dân"], book["Đơn thư"])
           for name, value in sheet.iter_rows(min_row=3, max_col=2, values_only=True)}
    levels = {x["code"]: x for x in data["by_level"]}
    for name, value in got.items():
        parts = name.split(".")
        if parts[0] in SESSION_FIELDS:
            scope = data["total"] if len(parts) == 2 else levels.get(parts[2])
            want = scope["reception"][parts[1]][parts[0]] if scope else 0
        elif parts[0] == "petitions" and len(parts) <= 3 and parts[1] not in ("type", "field"):
            scope = data["total"] if len(parts) == 2 else levels.get(parts[2])
            want = scope["petitions"][parts[1]] if scope else 0
        elif parts[0] == "timeliness":
            want = data["timeliness"][parts[1]]
        else:
            continue
        assert value == want, name


def test_an_unknown_placeholder_is_refused_by_name_with_its_cell(report, tmp_path):
    template, out = tmp_path / "t.xlsx", tmp_path / "o.xlsx"
    _template(template, ["petitions.received", "petitions.recieved"])
    with pytest.raises(ValidationError) as info:
        fill_template(report, template, out)
    message = info.value.for_field("template")
    assert "Tiếp công dân!B3" not in message  # the right one is not named
    assert "Đơn thư!B3: {{petitions.recieved}}" in message
    assert not out.exists()


def test_what_is_not_a_workbook_or_too_big_is_refused(report, tmp_path):
    text = tmp_path / "t.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        fill_template(report, text, tmp_path / "o.xlsx")
    assert "t.xlsx" in info.value.for_field("template")
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as f:
        f.truncate(MAX_TEMPLATE_BYTES + 1)
    with pytest.raises(ValidationError) as info:
        fill_template(report, big, tmp_path / "o.xlsx")
    assert "20" in info.value.for_field("template")
    csv = tmp_path / "t.csv"
    csv.write_text("a", encoding="utf-8")
    with pytest.raises(ValidationError):
        fill_template(report, csv, tmp_path / "o.csv")


def test_a_compressed_bomb_is_refused_before_it_is_read(report, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 1024 * 1024))
    with pytest.raises(ValidationError) as info:
        fill_template(report, bomb, tmp_path / "o.xlsx")
    assert "200" in info.value.for_field("template")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang")
    sub = parser.add_subparsers(dest="command")
    add_report_parser(sub)
    return parser.parse_args(argv)


def test_the_command_line_fills_a_template_and_lists_the_fields(db, world, session, tmp_path,
                                                                 capsys):
    session.commit()
    template, out = tmp_path / "bieu.xlsx", tmp_path / "gui-tinh.xlsx"
    _template(template, ["sessions.regular.commune", "petitions.received"])
    assert cmd_report(_parse(["report", "periodic", "--preset", "6m", "--year", "2025",
                              "--unit", "TU", "--template", str(template),
                              "--out", str(out)]), db) == 0
    assert str(out) in capsys.readouterr().out
    sheets = openpyxl.load_workbook(out)
    assert sheets["Tiếp công dân"]["B3"].value == 8
    assert sheets["Đơn thư"]["B3"].value == 8
    with pytest.raises(ValidationError):  # the filled copy keeps the template's kind
        cmd_report(_parse(["report", "periodic", "--preset", "6m", "--year", "2025",
                           "--template", str(template), "--out", str(tmp_path / "x.pdf")]), db)
    set_language("vi")
    assert cmd_report(_parse(["report", "fields"]), db) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "{{sessions.regular.commune}}\tsố cuộc tiếp công dân (định kỳ), cấp xã" in lines
    assert len(lines) == len(placeholders(report_field_names(session)))


def report_field_names(session):
    from receptiondesk.reports.periodic import field_names

    return field_names(session)
