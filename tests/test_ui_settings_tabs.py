"""Settings builds a tab the first time it is shown, and a tab reads the database on a
worker: its list or its fields fill when the result arrives."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from receptiondesk.model import Unit
from receptiondesk.ui import ops
from receptiondesk.ui.context import AppContext


@pytest.fixture
def ctx(db, session, unit, official):
    session.commit()  # the widgets work in their own units of work
    return AppContext(db, unit.id, official_id=official.id)


@pytest.fixture
def page(qtbot, ctx):
    from receptiondesk.ui.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 660)
    page.show()
    return page


def _index(page, name: str) -> int:
    return [n for n, _t in page.TABS].index(name)


def test_only_the_tab_in_front_is_built(page, wait_for_ops):
    wait_for_ops()
    assert set(page.built) == {"general"}
    officials = page.tabs.widget(_index(page, "officials"))
    assert officials.objectName() == "settings_placeholder_officials"
    assert officials.findChildren(object) == []  # an empty placeholder
    assert page.tabs.tabText(_index(page, "officials")) == "Officials"


def test_showing_a_tab_builds_it_in_its_place(page, qtbot, wait_for_ops):
    i = _index(page, "officials")
    page.tabs.setCurrentIndex(i)
    assert "officials" in page.built
    assert "rules" not in page.built and "calendar" not in page.built  # its neighbours not
    tab = page.built["officials"]
    assert page.tabs.widget(i) is tab and page.tabs.currentWidget() is tab
    assert page.tabs.tabText(i) == "Officials"
    assert tab.add_button.text() == "&Add official…"  # labelled as it is built
    wait_for_ops()
    assert page.officials_tab is tab  # asked for again: the same tab, not a second one


def test_a_tabs_list_fills_from_the_worker(page, wait_for_ops):
    page.tabs.setCurrentIndex(_index(page, "officials"))
    model = page.officials_tab.model
    # built without reading on the GUI thread: the list is asked of a worker
    assert ops.pending(model) > 0 or model.is_loading()
    wait_for_ops()
    rows = [model.row_at(r).cells for r in range(model.rowCount())]
    assert ["Lò Văn Khoa", "Bí thư Đảng ủy"] == rows[0][:2]


def test_the_office_details_arrive_from_the_worker(page, ctx, wait_for_ops, qtbot):
    office = page.office_tab
    wait_for_ops()
    assert office.loaded
    assert office.name.text() == "Đảng ủy xã Mường Phăng"
    assert office.code.text() == "DU-MP"
    assert page.numbering_tab.example.text().startswith("The 12th petition of the year")


def test_office_saved_before_its_details_arrived_changes_nothing(page, ctx, qtbot,
                                                                  wait_for_ops):
    office = page.office_tab
    office.loaded = False  # as between the build and the worker's answer
    office.name.setText("")
    qtbot.mouseClick(office.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.session() as s:
        assert s.get(Unit, ctx.unit_id).name == "Đảng ủy xã Mường Phăng"
    wait_for_ops()


def test_a_tab_built_later_follows_the_current_language_and_data(page, ctx, wait_for_ops):
    from receptiondesk.services import units

    with ctx.db.session(write=True) as s:
        units.create_official(s, ctx.unit_id, units.OfficialInput(
            full_name="Quàng Thị Mai", position="Văn phòng", duty_role="none"))
    page.show_tab("officials")
    wait_for_ops()
    model = page.officials_tab.model
    names = [model.row_at(r).cells[0] for r in range(model.rowCount())]
    assert "Quàng Thị Mai" in names


def test_a_tab_built_while_the_page_is_shown_is_laid_out(page, qtbot, wait_for_ops):
    """Built on a small screen after the page was shown, no field of a tab is squeezed
    below the height its text needs."""
    from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit

    page.resize(1024 - 180, 576 - 100)
    crushed = []
    for i, (name, _title) in enumerate(page.TABS):
        page.tabs.setCurrentIndex(i)
        wait_for_ops()
        for _round in range(3):
            QApplication.processEvents()
            qtbot.wait(20)
        tab = page.built[name]
        for field in (tab.findChildren(QLineEdit) + tab.findChildren(QComboBox)
                      + tab.findChildren(QAbstractSpinBox)):
            if isinstance(field.parent(), (QAbstractSpinBox, QComboBox)):
                continue
            if field.isVisible() and field.height() < field.minimumSizeHint().height():
                crushed.append((name, field.objectName() or type(field).__name__))
    assert crushed == []
