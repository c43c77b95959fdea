"""The dashboard by unit: at a province, a table of the units directly below it (each with
every unit below it) whose figures add up to the province's, and a drill-down to any of
them with a path back up.

The tree: a province Party committee (the office), a district dissolved on 1/7/2025 with
one commune under it (history), and a commune directly under the province (after the
reform), plus a dissolved district that kept nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from receptiondesk.services import petitions, reception, units
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.dashboard import dashboard_figures, unit_breakdown, unit_tree
from receptiondesk.services.petitions import PetitionerInput, PetitionInput
from receptiondesk.services.reception import SessionInput, VisitInput
from receptiondesk.services.units import unit_and_descendants
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.worker import wait_for_background

TODAY = date.today()
DISSOLVED = date(2025, 7, 1)


@dataclass
class Tree:
    province: object
    district: object
    commune_a: object  # under the district
    commune_b: object  # directly under the province
    empty_district: object


def _unit(s, code, name, level, parent=None, dissolved=None, home=False):
    return units.create_unit(s, units.UnitInput(
        code=code, name=name, level=level, kind="party", parent_code=parent,
        dissolved_on=dissolved), home=home)


def _petition(s, unit, days_ago: int) -> None:
    petitions.register_petition(s, unit.id, PetitionInput(
        received_date=TODAY - timedelta(days=days_ago), petition_type="recommendation",
        content="Đề nghị sửa đường", field_code="land",
        petitioners=[PetitionerInput("Lò Thị Mai")]))


def _session(s, unit, heads: list[int]) -> None:
    rs = reception.create_session(s, unit.id, SessionInput(session_date=TODAY,
                                                           presiding_name="Lò Văn Khoa"))
    for count in heads:
        reception.add_visit(s, rs.id, VisitInput(
            content="Hỏi về đất đai", head_count=count,
            new_citizen=CitizenInput(full_name="Quàng Văn Bình"),
            representatives="Đại diện" if count >= 5 else ""))


def build(s) -> Tree:
    tu = _unit(s, "TU", "Tỉnh ủy Điện Biên", "province", home=True)
    # the district is marked dissolved after its records are in (a dissolved unit takes no
    # new record: services.units.refuse_if_dissolved)
    hu = _unit(s, "HU", "Huyện ủy Điện Biên Đông", "district", "TU")
    xa = _unit(s, "XA", "Đảng ủy xã Mường Luân", "commune", "HU")
    xb = _unit(s, "XB", "Đảng ủy xã Thanh Nưa", "commune", "TU")
    empty = _unit(s, "HE", "Huyện ủy Tuần Giáo", "district", "TU", DISSOLVED)
    # open petitions: overdue (received 60 days ago) and on time (received today)
    for unit, old, new in ((tu, 1, 1), (hu, 1, 0), (xa, 2, 1), (xb, 0, 3)):
        for _i in range(old):
            _petition(s, unit, 60)
        for _i in range(new):
            _petition(s, unit, 0)
    hu.dissolved_on = DISSOLVED
    _session(s, tu, [1, 2])
    _session(s, xa, [6])
    _session(s, xb, [1])
    s.flush()
    return Tree(tu, hu, xa, xb, empty)


@pytest.fixture
def tree(session) -> Tree:
    t = build(session)
    session.commit()
    return t


FIGURES = ("open_count", "overdue_count", "due_soon_count", "received_year",
           "sessions_year", "citizens_year")


def _figures(row) -> tuple[int, ...]:
    return tuple(getattr(row, name) for name in FIGURES)


def test_the_tree_is_indented_by_level_under_each_unit(session, tree):
    nodes = unit_tree(session, tree.province.id)
    assert [(n.code, n.depth) for n in nodes] == [
        ("TU", 0), ("HU", 1), ("XA", 2), ("HE", 1), ("XB", 1)]
    assert [n.code for n in unit_tree(session, tree.district.id)] == ["HU", "XA"]


def test_the_units_below_a_province_add_up_to_its_figures(session, tree):
    rows = unit_breakdown(session, tree.province.id, TODAY)
    # its own records, then the district with its commune, then the commune under it;
    # the district that kept nothing is history only
    assert [(r.code, r.own, r.has_units) for r in rows] == [
        ("TU", True, False), ("HU", False, True), ("XB", False, False)]
    by_code = {r.code: r for r in rows}
    assert by_code["HU"].open_count == 4  # 1 of the district + 3 of its commune
    assert by_code["HU"].overdue_count == 3
    assert by_code["HU"].citizens_year == 6
    assert by_code["XB"].open_count == 3 and by_code["XB"].overdue_count == 0
    whole = dashboard_figures(session, unit_and_descendants(session, tree.province.id),
                              TODAY)
    assert sum(r.open_count for r in rows) == whole.open_count == 9
    assert sum(r.overdue_count for r in rows) == whole.overdue_count == 4
    assert sum(r.due_soon_count for r in rows) == whole.due_soon_count
    assert sum(r.sessions_year for r in rows) == whole.sessions_year_total == 3
    assert sum(r.citizens_year for r in rows) == whole.citizens_year == 10


def test_a_district_shows_its_communes_and_a_commune_none(session, tree):
    rows = unit_breakdown(session, tree.district.id, TODAY)
    assert [(r.code, r.own) for r in rows] == [("HU", True), ("XA", False)]
    assert _figures(rows[1])[:2] == (3, 2)
    assert unit_breakdown(session, tree.commune_a.id, TODAY) == []


# --- the page -------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, db, tree):
    from receptiondesk.ui.dashboard import DashboardPage

    p = DashboardPage(AppContext(db, tree.province.id))
    qtbot.addWidget(p)
    p.resize(1200, 900)
    p.show()
    p.activate()
    _wait(qtbot, p)
    return p


def _wait(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page._loading, timeout=20_000)
    wait_for_background()


def _row_of(page, name: str) -> int:
    names = [r[0] for r in page.unit_table_rows()]
    return next(i for i, n in enumerate(names) if n == name)


def test_the_province_dashboard_drills_down_to_a_commune_and_back(qtbot, page, tree):
    assert page.overdue_card.number.text() == "4"
    assert page.units_box.isVisible()
    rows = page.unit_table_rows()
    assert rows[0][0] == "Tỉnh ủy Điện Biên (own records)"
    assert [r[0] for r in rows[1:]] == ["Huyện ủy Điện Biên Đông", "Đảng ủy xã Thanh Nưa"]
    assert rows[1][1] == "District (until 01/07/2025)"
    assert rows[1][2:4] == ["4", "3"]  # open, overdue: the district with its commune

    # the own records are no unit to open
    page.unit_table.setCurrentCell(0, 0)
    assert not page.drill_button.isEnabled()
    # double-click the district: its dashboard, with its commune below
    page.unit_table.cellDoubleClicked.emit(_row_of(page, "Huyện ủy Điện Biên Đông"), 0)
    _wait(qtbot, page)
    assert page.unit_id == tree.district.id
    assert page.overdue_card.number.text() == "3"
    assert page.up_button.isVisible()
    assert "Tỉnh ủy Điện Biên" in page.breadcrumb.text()
    assert [r[0] for r in page.unit_table_rows()] == [
        "Huyện ủy Điện Biên Đông (own records)", "Đảng ủy xã Mường Luân"]

    # Enter on the commune opens it too: its own figures, no table of units
    page.unit_table.setCurrentCell(1, 0)
    qtbot.keyClick(page.unit_table, Qt.Key.Key_Return)
    _wait(qtbot, page)
    assert page.unit_id == tree.commune_a.id
    assert page.overdue_card.number.text() == "2"
    assert not page.units_box.isVisible()
    assert page.year_card.number.text() == "1"

    page.go_up()  # back to the district
    _wait(qtbot, page)
    assert page.unit_id == tree.district.id
    page.breadcrumb.linkActivated.emit(tree.province.id)  # the path's first link
    _wait(qtbot, page)
    assert page.path == [tree.province.id]
    assert page.overdue_card.number.text() == "4"
    assert not page.up_button.isVisible()


def test_the_drill_button_opens_the_chosen_unit(qtbot, page, tree):
    page.unit_table.setCurrentCell(_row_of(page, "Đảng ủy xã Thanh Nưa"), 0)
    assert page.drill_button.isEnabled()
    qtbot.mouseClick(page.drill_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, page)
    assert page.unit_id == tree.commune_b.id
    assert page.overdue_card.number.text() == "0"
    assert page.overdue_card.detail.text() == "of 3 open petitions"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_units_table_fits_a_1024_px_window_without_scrolling_sideways(qtbot, page, lang):
    """On a 1024-px screen (the page beside the navigation, about 780 px) every figure and
    its whole heading are in sight; a long unit name is shortened, whole in its tooltip."""
    from receptiondesk import i18n

    i18n.set_language(lang)
    page.retranslate()
    page.resize(780, 700)
    _wait(qtbot, page)
    table = page.unit_table
    header = table.horizontalHeader()
    last = table.columnCount() - 1
    assert table.columnViewportPosition(last) + table.columnWidth(last) \
        <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    metrics = header.fontMetrics()
    for col in range(1, table.columnCount()):  # every heading whole
        heading = table.horizontalHeaderItem(col).text()
        widest = max(metrics.horizontalAdvance(line) for line in heading.split("\n"))
        assert widest <= header.sectionSize(col), heading
    assert table.height() >= header.height() + 3 * table.rowHeight(0)  # every row shown


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_attention_headings_are_whole_at_1280_by_720_with_125_percent(qtbot, page, lang):
    """1280×720 at Windows' 125 % leaves the page about 780 logical pixels beside the
    navigation: every heading of the petitions needing attention is whole (the
    petitioner's was clipped to "…gười gửi đơ…"), a name is readable, and the page does
    not need more width than it has."""
    from PySide6.QtWidgets import QApplication, QScrollArea

    from receptiondesk import i18n

    i18n.set_language(lang)
    page.retranslate()
    page.resize(780, 540)
    _wait(qtbot, page)
    QApplication.processEvents()  # the layout of the new size
    table = page.attention
    assert table.rowCount() > 0
    header = table.horizontalHeader()
    for col in range(table.columnCount()):
        heading = table.horizontalHeaderItem(col).text()
        assert header.sectionSizeHint(col) <= header.sectionSize(col), heading
    assert header.sectionSize(1) >= table.fontMetrics().horizontalAdvance("Nguyễn Thị Lan")
    scroll = page.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0  # the page does not scroll sideways


def test_a_long_field_name_is_broken_into_short_lines_on_the_chart():
    """The chart gives its axis only part of its width: the English name of the
    compensation field on two lines ran off the left edge at 1024 px."""
    from receptiondesk.ui.dashboard import _wrap

    name = "Compensation, support and resettlement when land is reclaimed"
    lines = _wrap(name).split("<br>")
    assert " ".join(lines) == name and len(lines) == 3
    assert all(len(line) <= 30 for line in lines)
    assert _wrap("Bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất").count("<br>") == 2
    assert _wrap("Land management") == "Land management"
    assert _wrap("A & B <c>") == "A &amp; B &lt;c&gt;"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_heads_row_shows_the_name_role_and_unit_whole_when_narrow(qtbot, db, tree, lang):
    """At 1024 px (the page about 835 px wide) the heads' column is narrow: the row grows
    with the wrapped lines, also when the width changes (the unit's name ended in
    "Mường…")."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from receptiondesk import i18n
    from receptiondesk.ui.dashboard import DashboardPage

    with db.session() as s:
        units.create_official(s, tree.commune_b.id, units.OfficialInput(
            "Trần Thanh Hiền", duty_role="party_secretary"))
    i18n.set_language(lang)
    page = DashboardPage(AppContext(db, tree.province.id))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.activate()
    _wait(qtbot, page)
    page.resize(835, 700)
    for _round in range(3):  # the new size, then the columns, then the rows
        QApplication.processEvents()
    table = page.duty
    assert table.rowCount() >= 1
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        text = table.item(row, 0).text()
        lines = metrics.boundingRect(QRect(0, 0, table.columnWidth(0) - 12, 10_000),
                                     Qt.TextFlag.TextWordWrap, text)
        assert table.rowHeight(row) >= lines.height(), text
