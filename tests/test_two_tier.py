"""Issue 15, point 9: two-tier local government. From 1/7/2025 the district level ends
(Luật Tổ chức chính quyền địa phương 72/2025/QH15): a dissolved district takes no new
record, naming its successor, and its open cases pass to the successor with a history
step. Both kinds of unit."""

from __future__ import annotations

from datetime import date

import pytest

from receptiondesk.model.codes import EventKind
from receptiondesk.services import petitions, units
from receptiondesk.services.errors import ValidationError
from receptiondesk.services.petitions import PetitionerInput, PetitionInput

TODAY = date(2026, 11, 5)
KINDS = {"party": ("TU", "Tỉnh ủy Điện Biên", "HU", "Huyện ủy Điện Biên Đông"),
         "state": ("UBT", "Ủy ban nhân dân tỉnh Điện Biên", "UBH",
                   "Ủy ban nhân dân huyện Điện Biên Đông")}


def setup(session, kind, successor=True):
    pcode, pname, dcode, dname = KINDS[kind]
    province = units.create_unit(session, units.UnitInput(pcode, pname, "province", kind))
    district = units.create_unit(session, units.UnitInput(
        dcode, dname, "district", kind, parent_code=pcode))
    return province, district


def petition(session, unit, received, ptype="recommendation"):
    return petitions.register_petition(session, unit.id, PetitionInput(
        received, ptype, "Kiến nghị sửa đường liên bản",
        petitioners=[PetitionerInput("Lò Văn Pầng", address="Bản Na Sang")]), today=TODAY)


def dissolve(session, district, successor_code):
    units.update_unit(session, district.id, units.UnitInput(
        district.code, district.name, "district", district.kind,
        parent_code=None, dissolved_on=date(2025, 7, 1), successor_code=successor_code))


@pytest.mark.parametrize("kind", ["party", "state"])
def test_a_dissolved_district_refuses_new_records_naming_its_successor(session, kind):
    province, district = setup(session, kind)
    dissolve(session, district, province.code)
    with pytest.raises(ValidationError) as err:
        petition(session, district, date(2026, 11, 2))
    message = err.value.for_field("received_date")
    assert district.name in message and province.name in message
    assert "dissolved" in message
    # a record dated before the dissolution is still history and is kept
    assert petition(session, district, date(2025, 6, 20)).unit_id == district.id


def test_without_a_successor_the_refusal_says_to_name_one(session):
    province, district = setup(session, "state")
    dissolve(session, district, None)
    with pytest.raises(ValidationError) as err:
        petition(session, district, date(2026, 11, 2))
    assert "name its successor" in err.value.for_field("received_date")
    with pytest.raises(ValidationError):
        petitions.transfer_open_cases(session, district.id, TODAY)


@pytest.mark.parametrize("kind", ["party", "state"])
def test_open_cases_pass_to_the_successor_with_a_history_step(session, kind):
    province, district = setup(session, kind)
    open_one = petition(session, district, date(2025, 6, 20))
    done = petition(session, district, date(2025, 6, 10))
    petitions.classify(session, done.id, petitions.Classification(True, True),
                       date(2025, 6, 11), today=TODAY)
    petitions.decide_handling(session, done.id, "archive", date(2025, 6, 12), today=TODAY)
    dissolve(session, district, province.code)
    assert petitions.transfer_open_cases(session, district.id, date(2025, 7, 1)) == 1
    assert open_one.unit_id == province.id
    assert all(x.unit_id == province.id for x in open_one.petitioners)
    assert done.unit_id == district.id  # a handled case stays in the district's history
    last = petitions.events(session, open_one.id)[-1]
    assert last.kind == EventKind.NOTE and province.name in last.note
    assert district.name in last.note and last.event_date == date(2025, 7, 1)


def test_a_successor_must_exist_and_be_in_being(session):
    province, district = setup(session, "state")
    with pytest.raises(ValidationError) as err:
        dissolve(session, district, "NOPE")
    assert err.value.for_field("successor_code")
    with pytest.raises(ValidationError):
        dissolve(session, district, district.code)


# --- reception in a dissolved unit ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["party", "state"])
def test_a_dissolved_district_holds_no_reception_session_or_visit(session, kind):
    from receptiondesk.services import reception

    province, district = setup(session, kind)
    before = reception.create_session(session, district.id, reception.SessionInput(
        date(2025, 6, 20), presiding_name="Lò Văn Pầng"), today=TODAY)
    # recorded before the dissolution was entered: a session dated after it
    late = reception.create_session(session, district.id, reception.SessionInput(
        date(2025, 8, 5), presiding_name="Lò Văn Pầng"), today=TODAY)
    dissolve(session, district, province.code)
    with pytest.raises(ValidationError) as err:
        reception.create_session(session, district.id, reception.SessionInput(
            date(2026, 11, 2), presiding_name="Lò Văn Pầng"), today=TODAY)
    message = err.value.for_field("session_date")
    assert district.name in message and province.name in message
    # the day of the dissolution itself is the successor's
    with pytest.raises(ValidationError):
        reception.create_session(session, district.id, reception.SessionInput(
            date(2025, 7, 1), presiding_name="Lò Văn Pầng"), today=TODAY)
    # a visit to a session on or after the dissolution: refused, naming the successor
    with pytest.raises(ValidationError) as err:
        reception.add_visit(session, late.id, reception.VisitInput(
            "Hỏi về chế độ chính sách", head_count=6, representatives="Lò Văn Pầng"),
            today=TODAY)
    assert province.name in err.value.for_field("session_date")
    # moving a session past the dissolution is refused; history before it is kept
    with pytest.raises(ValidationError) as err:
        reception.update_session(session, before.id, reception.SessionInput(
            date(2025, 7, 2), presiding_name="Lò Văn Pầng"), today=TODAY)
    assert province.name in err.value.for_field("session_date")
    assert reception.add_visit(session, before.id, reception.VisitInput(
        "Hỏi về chế độ chính sách", head_count=6, representatives="Lò Văn Pầng"),
        today=TODAY).unit_id == district.id
    # the successor receives from the day of the dissolution
    assert reception.create_session(session, province.id, reception.SessionInput(
        date(2025, 7, 1), presiding_name="Lò Văn Pầng"), today=TODAY).unit_id == province.id


# --- a report across the reform ------------------------------------------------------------


def merged_communes(session):
    """Communes A and B dissolved on 1/7/2025, their work passed to the new commune N."""
    province = units.create_unit(session, units.UnitInput(
        "UBT", "Ủy ban nhân dân tỉnh Điện Biên", "province", "state"))
    new = units.create_unit(session, units.UnitInput(
        "UBN", "Ủy ban nhân dân xã Mường Phăng", "commune", "state", parent_code="UBT"))
    old = [units.create_unit(session, units.UnitInput(
        code, name, "commune", "state", parent_code="UBT", dissolved_on=date(2025, 7, 1),
        successor_code="UBN"))
        for code, name in (("UBA", "Ủy ban nhân dân xã Nà Tấu"),
                           ("UBB", "Ủy ban nhân dân xã Nà Nhạn"))]
    return province, new, old


def test_a_report_spanning_the_reform_shows_the_dissolved_units_and_the_successor(session):
    from receptiondesk.i18n import using_language
    from receptiondesk.reports import periods
    from receptiondesk.reports.periodic import narrative_skeleton, periodic_report

    province, new, (a, b) = merged_communes(session)
    petition(session, a, date(2025, 3, 1))
    petition(session, b, date(2025, 5, 10))
    petition(session, b, date(2025, 6, 30))
    petition(session, new, date(2025, 8, 1))
    with pytest.raises(ValidationError):  # A takes nothing from its dissolution
        petition(session, a, date(2025, 7, 1))

    year = periods.year_period(2025)
    with using_language("vi"):
        report = periodic_report(session, new.id, year, today=TODAY)
        text = narrative_skeleton(report)
    rows = {r.code: r.petitions.received for r in report.by_unit}
    # hand count: N 1 (August), A 1 (March), B 2 (May, June)
    assert rows == {"UBN": 1, "UBA": 1, "UBB": 2}
    assert report.total.petitions.received == 4
    assert [p.code for p in report.predecessors] == ["UBA", "UBB"]
    assert "Ủy ban nhân dân xã Nà Tấu" in text["situation"]
    assert "01/07/2025" in text["situation"] and "Ủy ban nhân dân xã Mường Phăng" in \
        text["situation"]

    # a period before the reform is the successor's alone
    with using_language("vi"):
        q1 = periodic_report(session, new.id, periods.q1_period(2025), today=TODAY)
    assert [r.code for r in q1.by_unit] == ["UBN"] and q1.predecessors == []
    # the province's report counts each petition once
    assert periodic_report(session, province.id, year,
                           today=TODAY).total.petitions.received == 4


def test_a_log_book_row_dated_after_the_dissolution_is_refused(session, tmp_path):
    from receptiondesk.exchange.importer import ImportFailed, import_file

    province, district = setup(session, "state")
    dissolve(session, district, province.code)
    path = tmp_path / "so.csv"
    path.write_text(
        "Ngày tiếp;Người chủ trì;Họ và tên;Nội dung;Số người\n"
        "20/06/2025;Lò Văn Pầng;Nguyễn Văn An;Hỏi về chế độ;1\n"
        "02/11/2026;Lò Văn Pầng;Lò Thị Bình;Đề nghị sửa đường;1\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_file(session, "logbook", path, today=TODAY, unit_id=district.id)
    problems = [e for e in err.value.errors if e.row == 3]
    assert problems and province.name in problems[0].message


def test_a_petitions_row_dated_after_the_dissolution_is_refused(session, tmp_path):
    """A petitions file into a dissolved unit: the row received before the day is taken
    as before, the row after it is refused naming the successor (checked once per unit,
    not per row)."""
    from receptiondesk.exchange.importer import ImportFailed, import_file

    province, district = setup(session, "state")
    dissolve(session, district, province.code)
    path = tmp_path / "don.csv"
    path.write_text(
        "ref,received_date,type,petitioner_name,content\n"
        "A-1,20/06/2025,recommendation,Nguyễn Văn An,Đề nghị sửa đường\n"
        "A-2,02/11/2026,recommendation,Lò Thị Bình,Đề nghị sửa cầu\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_file(session, "petitions", path, today=TODAY, unit_id=district.id)
    assert [e.row for e in err.value.errors] == [3]
    assert province.name in err.value.errors[0].message


# --- reachable: the command line and the window ----------------------------------------------


def test_the_command_line_dissolves_a_unit_and_moves_its_open_cases(db, session, capsys):
    from receptiondesk.cli import main

    province, district = setup(session, "state")
    open_one = petition(session, district, date(2025, 6, 20))
    petition(session, district, date(2025, 6, 25))
    session.commit()
    base = ["--database-url", db.url, "--lang", "en", "unit"]
    assert main([*base, "dissolve", "UBH", "--on", "01/07/2025", "--successor", "UBT"]) == 0
    out = capsys.readouterr().out
    assert "dissolved on" in out and province.name in out
    assert "2 open cases are still with it" in out and "unit transfer UBH --yes" in out
    # without --yes: only the count
    assert main([*base, "transfer", "UBH"]) == 0
    assert "2 open cases would move" in capsys.readouterr().out
    Petition = type(open_one)
    with db.session() as s:  # what the command wrote, read afresh
        assert s.get(Petition, open_one.id).unit_id == district.id
    assert main([*base, "transfer", "UBH", "--yes"]) == 0
    assert "2 open cases moved from" in capsys.readouterr().out
    with db.session() as s:
        assert s.get(Petition, open_one.id).unit_id == province.id
        assert petitions.events(s, open_one.id)[-1].event_date == date(2025, 7, 1)
    # a unit in being has nothing to transfer; an unknown successor is refused by name
    assert main([*base, "transfer", "UBT"]) == 1
    assert "not dissolved" in capsys.readouterr().err
    assert main([*base, "dissolve", "UBH", "--on", "2025-07-01", "--successor", "NOPE"]) == 1
    assert "NOPE" in capsys.readouterr().err


def test_dissolving_needs_a_day_for_a_successor(session):
    province, district = setup(session, "state")
    with pytest.raises(ValidationError) as err:
        units.dissolve_unit(session, district.id, None, province.code)
    assert "Dissolved on" in err.value.for_field("dissolved_on")
    # the unit's other details are kept when its dissolution is recorded
    units.dissolve_unit(session, district.id, date(2025, 7, 1), province.code)
    assert (district.parent_id, district.name) == (province.id, "Ủy ban nhân dân huyện "
                                                   "Điện Biên Đông")
    assert units.successor_of(session, district) is province
    units.dissolve_unit(session, district.id, None, None)  # recorded in being again
    assert district.dissolved_on is None and district.successor_id is None


def test_the_settings_window_dissolves_a_unit_and_moves_its_cases(qtbot, db, session,
                                                                 monkeypatch, wait_for_ops):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from receptiondesk.model import Petition
    from receptiondesk.ui.context import AppContext
    from receptiondesk.ui.forms import to_qdate
    from receptiondesk.ui.settings import SettingsPage

    province, district = setup(session, "state")
    first = petition(session, district, date(2025, 6, 20))
    petition(session, district, date(2025, 6, 25))
    session.commit()
    page = SettingsPage(AppContext(db, province.id))
    qtbot.addWidget(page)
    page.resize(1180, 660)
    page.show()
    page.show_tab("units")
    tab = page.units_tab
    model = tab.model
    wait_for_ops()  # the list is read on a worker
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == district.id)
    tab.view.selectRow(row)

    dialog = page.make_dissolution_dialog(district.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.successor.isEnabled()  # in being: nothing to fill
    dialog.dissolved.setChecked(True)
    dialog.dissolved_on.setDate(to_qdate(date(2025, 7, 1)))
    # the unit itself is never offered as its successor
    assert dialog.successor.findData("UBH") < 0
    dialog.successor.setCurrentIndex(dialog.successor.findData("UBT"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    wait_for_ops()
    cells = model.row_at(row).cells
    assert cells[3:] == ["01/07/2025", province.name, "2"]

    asked = []
    monkeypatch.setattr(tab, "confirm_transfer",
                        lambda count, unit, successor: asked.append((count, unit, successor))
                        or True)
    tab.view.selectRow(row)
    assert tab.transfer() == 2
    assert asked == [(2, district.name, province.name)]
    with db.session() as s:
        assert s.get(Petition, first.id).unit_id == province.id
    wait_for_ops()
    assert model.row_at(row).cells[5] == "0"
