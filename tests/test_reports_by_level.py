"""The periodic report by level and by unit: a province's report covers every unit below
it (communes directly under it, and pre-2025 districts with their communes), its totals
are the sums of its units' rows, and the report of one unit below (a drill-down) has the
same figures as that unit's rows in the province's report.

The records are those of ``test_reports.build``: a province Party committee, a district
dissolved on 1/7/2025 with one commune, and a commune directly under the province.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import openpyxl
import pytest
from test_reports import PERIOD, TODAY, World, _parse, _pdf_text, build

from receptiondesk.cli.report_commands import cmd_report
from receptiondesk.i18n import _, format_number, set_language
from receptiondesk.reports import periods
from receptiondesk.reports.outputs import write_pdf, write_xlsx
from receptiondesk.reports.periodic import (
    PetitionFigures,
    ScopeFigures,
    SessionFigures,
    periodic_report,
)
from receptiondesk.services import petitions as ps
from receptiondesk.services import units

KINDS = ("regular", "unscheduled", "dialogue", "routine", "total")


def counts(s: ScopeFigures) -> dict[str, int]:
    """Every figure of a scope that is a count (rates and derived totals left out)."""
    out = {}
    for kind in KINDS:
        fig = s.reception.kind(kind)
        for f in dataclasses.fields(SessionFigures):
            out[f"reception.{kind}.{f.name}"] = getattr(fig, f.name)
    for part in ("meetings", "inspections"):
        for name, value in dataclasses.asdict(getattr(s, part)).items():
            out[f"{part}.{name}"] = value
    for name in PetitionFigures._SUMMED:
        out[f"petitions.{name}"] = getattr(s.petitions, name)
    return out


def summed(rows: list[ScopeFigures]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in counts(row).items():
            total[key] = total.get(key, 0) + value
    return total


@pytest.fixture
def world(session) -> World:
    return build(session)


@pytest.fixture
def report(session, world):
    return periodic_report(session, world.province.id, PERIOD, today=TODAY)


def test_the_total_and_each_level_are_the_sums_of_the_units(report):
    assert len(report.by_unit) == 5
    assert counts(report.total) == summed(report.by_unit)
    assert counts(report.total)["petitions.received"] == 8  # not all zeros
    for level in report.by_level:
        mine = [u for u in report.by_unit if u.level == level.level]
        assert mine, level.level
        assert counts(level) == summed(mine), level.level
    assert summed(report.by_level) == counts(report.total)


def test_each_unit_row_names_its_place_in_the_tree(report, world):
    rows = {u.code: u for u in report.by_unit}
    assert rows["DU-MP"].parent_code == "HU-DBD"  # a commune under a pre-2025 district
    assert rows["DU-TP"].parent_code == "TU"  # a commune directly under the province
    assert rows["HU-DBD"].parent_code == "TU"
    assert rows["TU"].parent_code == ""
    assert rows["DU-MP"].unit_id == world.commune1.id
    data = report.as_dict()
    assert {u["code"]: u["parent_code"] for u in data["by_unit"]}["DU-MP"] == "HU-DBD"


def test_drilling_down_gives_the_figures_of_the_units_rows(session, world, report):
    rows = {u.code: u for u in report.by_unit}
    district = periodic_report(session, world.district.id, PERIOD, today=TODAY)
    # The district's report covers the district and its commune, nothing else.
    assert [u.code for u in district.by_unit] == ["HU-DBD", "DU-MP"]
    assert counts(district.total) == summed([rows["HU-DBD"], rows["DU-MP"]])
    for code, unit in (("DU-MP", world.commune1), ("DU-TP", world.commune2)):
        alone = periodic_report(session, unit.id, PERIOD, today=TODAY)
        assert not alone.has_subordinates
        assert counts(alone.total) == counts(rows[code]), code
        p, q = alone.total.petitions, rows[code].petitions
        assert (p.processed_rate, p.resolved_rate) == (q.processed_rate, q.resolved_rate)


def test_a_commune_imported_under_the_province_after_the_reform(session, world):
    """From 1/7/2025 a commune sits directly under the province; its records count at the
    commune level, and the districts, dissolved and silent since, get no row."""
    new = units.create_unit(session, units.UnitInput(
        code="DU-MT", name="Đảng ủy xã Mường Thanh", level="commune", kind="party",
        parent_code="TU"))
    p = ps.register_petition(session, new.id, ps.PetitionInput(
        received_date=date(2026, 2, 2), petition_type="recommendation", field_code="land",
        content="Kiến nghị cấp giấy chứng nhận",
        petitioners=[ps.PetitionerInput(full_name="Lò Văn Tâm")]), today=date(2026, 2, 2))
    assert p.unit_id == new.id
    r = periodic_report(session, world.province.id, periods.q1_period(2026),
                        today=date(2026, 4, 10))
    rows = {u.code: u for u in r.by_unit}
    assert rows["DU-MT"].petitions.received == 1
    assert rows["DU-MT"].level == "commune" and rows["DU-MT"].parent_code == "TU"
    assert "HU-TG" not in rows
    commune = next(x for x in r.by_level if x.level == "commune")
    assert commune.petitions.received == 1
    assert counts(r.total) == summed(r.by_unit)


def test_the_by_unit_table_in_xlsx_ends_with_the_total(report, tmp_path):
    path = write_xlsx(report, tmp_path / "r.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)["By unit"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert [r[0] for r in rows] == [u.name for u in report.by_unit] + ["Total"]
    total = rows[-1]
    # sessions, visits, citizens, delegations, new, carried over, processed
    assert total[2:9] == (13, 16, 29, 2, 8, 4, 8)
    for col in (2, 3, 4, 5, 6, 7, 8, 10, 11, 12):
        assert total[col] == sum(r[col] for r in rows[:-1]), col
    assert total[9] == pytest.approx(0.8)  # the rate of the sums, not a sum of rates
    assert ws.cell(row=ws.max_row, column=1).font.bold


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_by_unit_table_in_the_pdf(report, tmp_path, lang):
    path = tmp_path / "r.pdf"
    write_pdf(report, None, path, lang=lang)
    text = _pdf_text(path)
    set_language(lang)
    assert _("Figures by unit") in text
    x2 = next(u for u in report.by_unit if u.code == "DU-TP")
    r, p = x2.reception.total, x2.petitions
    # name, level, then its figures in the locale's number format
    assert " ".join(["Đảng ủy xã Thanh Nưa", _("Commune"), *(format_number(v) for v in (
        r.sessions, r.visits, r.citizens, r.delegations, p.received, p.carried_over,
        p.processed))]) in text


def test_cli_reports_on_one_commune_of_the_province_database(db, world, session, tmp_path,
                                                             capsys):
    session.commit()
    out = tmp_path / "x.json"
    args = _parse(["report", "periodic", "--preset", "6m", "--year", "2025", "--unit",
                   "DU-MP", "--out", str(out)])
    assert cmd_report(args, db) == 0
    assert str(out) in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["unit"]["code"] == "DU-MP"
    assert [u["code"] for u in data["by_unit"]] == ["DU-MP"]
    p = data["total"]["petitions"]  # N1 N2 N8 new, C1 carried over in resolution
    assert (p["received"], p["carried_over"], p["processed"], p["resolved"]) == (3, 1, 3, 2)
    assert data["total"]["reception"]["regular"]["sessions"] == 2


@pytest.mark.parametrize("period,today", [
    (PERIOD, TODAY),
    (periods.year_period(2025), TODAY),  # not over: overdue judged today
    (periods.q1_period(2026), date(2026, 4, 10)),  # only carried over petitions
])
def test_deadlines_computed_ahead_or_case_by_case_give_the_same_figures(
        session, world, monkeypatch, period, today):
    """A big report computes every day's deadlines ahead, a small one only its cases."""
    from receptiondesk.reports.periodic import _PetitionCalculator

    def figures(ahead: bool) -> dict:
        monkeypatch.setattr(_PetitionCalculator, "_dense_pays", lambda self: ahead)
        data = periodic_report(session, world.province.id, period, today=today).as_dict()
        data.pop("elapsed_ms")
        return data

    assert figures(True) == figures(False)
