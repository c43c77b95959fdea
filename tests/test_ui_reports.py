"""The Reports page driven through its real widgets: previews of minutes and of the periodic
report, printing, saving as PDF and Excel, signing minutes with a scanned copy, addenda,
cancelling a long job, and relabelling on a language switch."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from ui_helpers import click_save

from receptiondesk import i18n
from receptiondesk.documents import fonts
from receptiondesk.model.codes import MinutesStatus
from receptiondesk.services import citizens, reception
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import LockedError
from receptiondesk.services.reception import SessionInput, VisitInput
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.reports import ReportsPage, minutes_panel
from receptiondesk.ui.reports import documents as report_documents
from receptiondesk.ui.worker import wait_for_background

pytestmark = pytest.mark.usefixtures("no_modal_questions")

TODAY = date.today()
HELD_ON = TODAY - timedelta(days=3)


@pytest.fixture(autouse=True)
def bundled_font(monkeypatch):
    """The bundled font, so that every machine produces the same PDF."""
    monkeypatch.setenv(fonts.BUNDLED_ONLY_ENV, "1")


@pytest.fixture(autouse=True)
def finish_background():
    yield
    wait_for_background()


@pytest.fixture
def rsession(session, unit, official, clerk):
    """A regular session of the commune with two citizens received."""
    an = citizens.create_citizen(session, unit.id, CitizenInput(
        "Nguyễn Văn An", 1968, "male", "011068001234", "Thôn Bản Phăng, xã Mường Phăng"))
    mai = citizens.create_citizen(session, unit.id, CitizenInput(
        "Lò Thị Mai", 1975, "female", "011175004321", "Bản Co Mận, xã Mường Phăng"))
    rs = reception.create_session(session, unit.id, SessionInput(
        HELD_ON, place="Trụ sở Đảng ủy xã Mường Phăng", start_time=time(8),
        end_time=time(10, 30), presiding_official_id=official.id,
        recorder_official_id=clerk.id, ref="TCD-01"))
    reception.add_visit(session, rs.id, VisitInput(
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số 45.", citizen_id=an.id,
        petition_type="recommendation", field_code="land", handling="guide",
        direction="Hướng dẫn ông An nộp hồ sơ tại bộ phận một cửa."))
    reception.add_visit(session, rs.id, VisitInput(
        "Khiếu nại về mức bồi thường khi thu hồi đất làm đường.", citizen_id=mai.id,
        petition_type="complaint", field_code="compensation", handling="accept",
        direction="Giao Văn phòng thụ lý, trả lời bằng văn bản."))
    session.commit()
    return rs


@pytest.fixture
def ctx(db, session, unit, official, clerk, rsession):
    session.commit()  # the UI works in sessions of its own
    return AppContext(db, unit.id, official_id=official.id)


@pytest.fixture
def page(qtbot, ctx, wait_for_ops):
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    wait_for_ops()
    return p


def choose_document(page: ReportsPage, code: str) -> None:
    index = page.document.findData(code)
    assert index >= 0, f"{code!r} is not offered"
    page.document.setCurrentIndex(index)


def preview(qtbot, page: ReportsPage) -> Path:
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert page.message_text() == ""
    assert page.preview.path is not None
    return page.preview.path


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def open_session_minutes(qtbot, page: ReportsPage, rsession) -> Path:
    choose_document(page, "minutes_session")
    assert page.subject.select_id(rsession.id)
    return preview(qtbot, page)


# --- minutes ----------------------------------------------------------------------------


def test_minutes_of_a_session_are_previewed_with_page_navigation(qtbot, page, rsession):
    assert page.preview_button.isEnabled() is False  # no session chosen yet
    assert page.subject.row_count() == 1
    path = open_session_minutes(qtbot, page, rsession)

    count = page.preview.page_count()
    assert count >= 1
    assert page.preview.page_label.text() == f"Page 1 of {count}"
    assert page.preview.stack.currentWidget() is page.preview.view
    text = pdf_text(path)
    assert "Nguyễn Văn An" in text and "Lò Thị Mai" in text
    # the draft was numbered on first printing and the page shows it
    assert page.minutes_status.text().startswith("Minutes 01-BB/")
    assert page.mark_signed_button.isEnabled()
    assert not page.addendum_button.isEnabled()
    if count > 1:
        qtbot.mouseClick(page.preview.next_button, Qt.MouseButton.LeftButton)
        assert page.preview.page_label.text() == f"Page 2 of {count}"
    qtbot.mouseClick(page.preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert page.preview.zoom_label.text().endswith("%")


def test_citizens_sign_pages_of_their_own_chosen_beside_the_office_copy(
        qtbot, page, rsession, tmp_path, monkeypatch):
    """The office's copy lists both citizens; the citizens' signature pages give each one a
    page with no other citizen's name, ID number or address on it."""
    open_session_minutes(qtbot, page, rsession)
    assert page.minutes_copy.isVisible()
    assert page.minutes_copy.currentData() == "office"
    page.minutes_copy.setCurrentIndex(page.minutes_copy.findData("citizens"))
    path = preview(qtbot, page)
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]
    an = ("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng")
    mai = ("Lò Thị Mai", "011175004321", "Bản Co Mận")
    assert len(pages) == 2
    assert all(d in pages[0] for d in an) and not any(d in pages[0] for d in mai)
    assert all(d in pages[1] for d in mai) and not any(d in pages[1] for d in an)
    asked: list[str] = []

    def save_name(_parent, _caption, suggested, _filter):
        asked.append(Path(suggested).name)
        return str(tmp_path / "x.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    qtbot.mouseClick(page.save_pdf_button, Qt.MouseButton.LeftButton)
    assert asked[0].startswith("citizens-signature-pages-minutes-")
    # a working meeting's minutes have no citizens to sign
    choose_document(page, "minutes_meeting")
    assert not page.minutes_copy.isVisible()


def test_mark_signed_with_a_scan_locks_the_session_and_opens_the_same_bytes(
        qtbot, page, ctx, rsession, tmp_path, monkeypatch):
    previewed = open_session_minutes(qtbot, page, rsession)
    qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)
    assert "printed on" in page.minutes_status.text()

    scan = tmp_path / "bien-ban-da-ky.pdf"
    scan.write_bytes(previewed.read_bytes())  # a real PDF, as a scanner would write
    dialog = page.make_sign_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(scan))
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    page.signed(dialog)

    assert "signed on" in page.minutes_status.text()
    assert not page.mark_signed_button.isEnabled()
    assert page.open_signed_button.isEnabled() and page.addendum_button.isEnabled()
    with ctx.db.session() as s, pytest.raises(LockedError):
        reception.update_session(s, rsession.id, SessionInput(
            HELD_ON, place="Hội trường", presiding_official_id=ctx.official_id))

    opened: list[str] = []

    class Desktop:
        @staticmethod
        def openUrl(url) -> bool:  # noqa: N802 - Qt API
            opened.append(url.toLocalFile())
            return True

    monkeypatch.setattr(minutes_panel, "QDesktopServices", Desktop)
    qtbot.mouseClick(page.open_signed_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    assert Path(opened[0]).name == scan.name
    assert Path(opened[0]).read_bytes() == scan.read_bytes()


def test_a_session_changed_after_printing_shows_its_printed_version_superseded(
        qtbot, page, ctx, rsession, official, clerk):
    open_session_minutes(qtbot, page, rsession)
    assert page.minutes_version_state.text().startswith("Version 1 (fingerprint ")
    assert page.minutes_version_state.text().endswith("not printed yet.")
    qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)
    assert page.minutes_version_state.text().startswith("Version 1 printed on ")
    assert page.mark_signed_button.isEnabled()

    # the place is corrected after the paper was printed, before it is signed
    with ctx.db.session(write=True) as s:
        reception.update_session(s, rsession.id, SessionInput(
            HELD_ON, place="Nhà văn hóa bản Co Mận", start_time=time(8),
            end_time=time(10, 30), presiding_official_id=official.id,
            recorder_official_id=clerk.id, ref="TCD-01"))
    ctx.signals.data_changed.emit("session")
    state = page.minutes_version_state.text()
    assert state.startswith("Changed after printing: version 1 is superseded; print version 2")
    assert not page.mark_signed_button.isEnabled()
    assert "print the new version" in page.mark_signed_button.toolTip()

    text = pdf_text(preview(qtbot, page))
    assert "Nhà văn hóa bản Co Mận" in text and "Version 2 · fingerprint" in text
    qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)
    assert page.minutes_version_state.text().startswith("Version 2 printed on ")
    assert page.mark_signed_button.isEnabled() and page.mark_signed_button.toolTip() == ""


def test_a_file_that_is_not_a_pdf_is_refused_with_the_service_message(
        qtbot, page, ctx, rsession, tmp_path):
    open_session_minutes(qtbot, page, rsession)
    fake = tmp_path / "scan.pdf"
    fake.write_text("this is a letter, not a scanned PDF", encoding="utf-8")
    dialog = page.make_sign_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(fake))
    click_save(qtbot, dialog)

    assert dialog.result() != QDialog.DialogCode.Accepted
    message = dialog.errors.message_for("path")
    assert "scan.pdf" in message and "is not a real PDF file" in message
    with ctx.db.session() as s:
        m = minutes_service.get_minutes(s, page.selected_minutes_id())
        assert m.status != MinutesStatus.SIGNED and m.signed_copy_id is None
        reception.update_session(s, rsession.id, SessionInput(  # still editable
            HELD_ON, place="Hội trường", presiding_official_id=ctx.official_id))


def test_an_addendum_to_signed_minutes_is_selected_and_previewed(qtbot, page, rsession):
    open_session_minutes(qtbot, page, rsession)
    sign = page.make_sign_dialog()
    qtbot.addWidget(sign)
    sign.show()
    click_save(qtbot, sign)  # signed without a scanned copy
    page.signed(sign)
    assert not page.open_signed_button.isEnabled()

    dialog = page.make_addendum_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    click_save(qtbot, dialog)
    assert dialog.errors.message_for("text")  # a correction is required
    dialog.text.insertPlainText("Sửa năm sinh của bà Lò Thị Mai thành 1976.")
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        click_save(qtbot, dialog)
        page.addendum_added(dialog)
    assert page.minutes_version.isVisible()
    assert page.minutes_version.currentText().startswith("Addendum 02-BB/")
    assert "Sửa năm sinh của bà Lò Thị Mai thành 1976." in pdf_text(page.preview.path)


# --- the periodic report ------------------------------------------------------------------


def test_the_periodic_report_prints_the_narrative_as_edited(qtbot, page, wait_for_ops):
    choose_document(page, "periodic")
    wait_for_ops()
    assert page.tabs.isTabVisible(1)
    page.period.set_preset("year")
    first = preview(qtbot, page)
    # the empty narrative was filled from the figures, ready to be completed
    results = page.narrative_edits["results"]
    assert results.toPlainText().strip()
    assert page.preview.page_count() >= 1

    page.tabs.setCurrentIndex(1)
    edit = page.narrative_edits["tasks"]
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    edit.insertPlainText("\nTổ chức đối thoại với các hộ dân bản Co Mận trong quý tới.")
    assert page.preview.stale_note.isVisibleTo(page.preview)  # the pages are out of date
    second = preview(qtbot, page)
    assert not page.preview.stale_note.isVisibleTo(page.preview)
    assert second != first
    assert page.tabs.currentIndex() == 0
    assert "Tổ chức đối thoại với các hộ dân bản Co Mận trong quý tới." in pdf_text(second)


def test_save_as_pdf_and_as_excel(qtbot, page, tmp_path, monkeypatch, wait_for_ops):
    choose_document(page, "periodic")
    wait_for_ops()
    page.period.set_preset("year")
    targets = iter([tmp_path / "bao-cao", tmp_path / "bao-cao.xlsx"])
    asked: list[str] = []

    def save_name(_parent, _caption, suggested, _filter):
        asked.append(suggested)
        return str(next(targets)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.save_pdf_button, Qt.MouseButton.LeftButton)
    pdf = tmp_path / "bao-cao.pdf"  # the extension is added
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.read_bytes() == page.preview.path.read_bytes()
    assert asked[0].endswith(".pdf")
    assert f"Saved to {pdf}." == page.message_text()

    assert page.save_excel_button.isVisible()
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.save_excel_button, Qt.MouseButton.LeftButton)
    book = load_workbook(tmp_path / "bao-cao.xlsx")
    assert book.sheetnames
    numbers = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, (int, float))]
    assert numbers  # real numbers, not text


def test_the_upper_levels_workbook_is_filled_from_the_page(qtbot, page, tmp_path, monkeypatch,
                                                           wait_for_ops):
    choose_document(page, "periodic")
    wait_for_ops()
    page.period.set_preset("year")
    assert page.fill_template_button.isVisible()
    template = tmp_path / "bieu-tinh.xlsx"
    book = Workbook()
    book.active["A1"] = "Số cuộc tiếp định kỳ"
    book.active["B1"] = "{{sessions.regular}}"
    book.active["B2"] = "{{visits.total.commune}}"
    book.save(template)
    monkeypatch.setattr(page, "ask_template_path", lambda: template)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *_a: (str(tmp_path / "gui-tinh"), "")))
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.fill_template_button, Qt.MouseButton.LeftButton)
    filled = load_workbook(tmp_path / "gui-tinh.xlsx").active
    # the fixture's one regular session with its two visits, in this year
    assert (filled["A1"].value, filled["B1"].value, filled["B2"].value) == (
        "Số cuộc tiếp định kỳ", 1 if HELD_ON.year == TODAY.year else 0,
        2 if HELD_ON.year == TODAY.year else 0)
    assert "2 cells filled" in page.message_text()
    assert load_workbook(template).active["B1"].value == "{{sessions.regular}}"  # kept

    choose_document(page, "logbook")
    assert not page.fill_template_button.isVisible()


def test_minutes_are_saved_under_their_number_and_the_sessions_day(
        qtbot, page, rsession, tmp_path, monkeypatch):
    """Not under today's date: the minutes of two sessions never share a name."""
    open_session_minutes(qtbot, page, rsession)
    number = page.minutes_status.text().split()[1]  # "Minutes 01-BB/ĐU …"
    asked: list[str] = []

    def save_name(_parent, _caption, suggested, _filter):
        asked.append(Path(suggested).name)
        return str(tmp_path / "x.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    qtbot.mouseClick(page.save_pdf_button, Qt.MouseButton.LeftButton)
    digits = number.split("-")[0]
    assert asked == [f"minutes-{digits}-bb-du-{HELD_ON.isoformat()}.pdf"], number
    assert HELD_ON != TODAY


def test_the_log_book_saves_as_excel_and_a_cancelled_preview_leaves_nothing(
        qtbot, page, tmp_path, monkeypatch, wait_for_ops):
    choose_document(page, "logbook")
    wait_for_ops()
    page.period.set_preset("custom")
    page.period.date_from.setDate(page.period.date_from.date().addDays(-40))
    page.period.date_to.setDate(page.period.date_to.date().addDays(40))

    page.preview_document()
    assert page.is_busy() and page._progress is not None  # noqa: SLF001 - the dialog shows
    page.cancel_job()
    assert page.message_text() == "Cancelled."
    wait_for_background()
    qtbot.wait(50)
    assert page.preview.path is None
    assert list(Path(page._tmp.name).glob("*.pdf")) == []  # noqa: SLF001

    path = preview(qtbot, page)
    assert "Nguyễn Văn An" in pdf_text(path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(tmp_path / "so.xlsx"), "")))
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.save_excel_button, Qt.MouseButton.LeftButton)
    cells = " ".join(str(c.value) for row in load_workbook(tmp_path / "so.xlsx").active.iter_rows()
                     for c in row if c.value is not None)
    assert "Nguyễn Văn An" in cells and "Lò Thị Mai" in cells


def test_print_sends_every_page_to_the_printer(qtbot, page, rsession, tmp_path, monkeypatch):
    open_session_minutes(qtbot, page, rsession)
    out = tmp_path / "printed.pdf"

    class Accepting:
        def __init__(self, printer) -> None:
            printer.setOutputFormat(printer.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))

        def setMinMax(self, _low, _high) -> None:  # noqa: N802 - Qt API
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page, "make_print_dialog", Accepting)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == page.preview.page_count()
    assert "sent to the printer" in page.message_text()


# --- options and errors ---------------------------------------------------------------------


def test_a_slip_dated_before_today_is_refused_next_to_its_field(qtbot, page, wait_for_ops):
    choose_document(page, "slip")
    wait_for_ops()
    assert page.subject_group.title() == "Citizen"
    page.subject.search.setText("Lò Thị")
    page.subject.search.flush()
    wait_for_ops()
    assert page.subject.row_count() == 1
    page.subject.list.setCurrentRow(0)
    page.slip_date.setDate(page.slip_date.date().addDays(-2))
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert "cannot be earlier" in page.slip_errors.message_for("date")
    assert page.preview.path is None

    page.slip_date.setDate(page.slip_date.date().addDays(5))
    page.slip_reason.insertPlainText("Nhận kết quả trả lời đơn.")
    path = preview(qtbot, page)
    assert "Lò Thị Mai" in pdf_text(path) and "Nhận kết quả trả lời đơn." in pdf_text(path)


def test_a_document_in_the_other_language(qtbot, page, rsession, wait_for_ops):
    choose_document(page, "minutes_session")
    wait_for_ops()
    page.subject.select_id(rsession.id)
    assert page.language.currentData() == "en"
    page.language.setCurrentIndex(page.language.findData("vi"))
    path = preview(qtbot, page)
    text = pdf_text(path)
    assert "BIÊN BẢN" in text
    assert page.preview_button.text() == "Preview"  # the interface stays in English


def test_the_page_relabels_on_a_language_switch_keeping_what_was_typed(qtbot, page, ctx,
                                                                       wait_for_ops):
    choose_document(page, "periodic")
    wait_for_ops()
    page.narrative_edits["situation"].setPlainText("Tình hình ổn định.")
    english = {
        "document": page.document.currentText(),
        "preset": page.period.preset.currentText(),
        "tab": page.tabs.tabText(1),
        "label": page.document_label.text(),
    }
    try:
        i18n.set_language("vi")
        ctx.signals.language_changed.emit("vi")
        assert page.document_label.text() == i18n.pgettext("to print", "Document") == "Văn bản"
        assert page.preview_button.text() == i18n._("Preview")
        assert page.tabs.tabText(1) == i18n._("Narrative of the report")
        assert page.document.currentText() == i18n._("Periodic report")
        assert page.period.preset.currentText() == i18n._("Month") != english["preset"]
        assert page.language.currentData() == "vi"  # the document follows the interface
        assert page.preview.page_label.text() == i18n._("No document")
    finally:
        i18n.set_language("en")
        ctx.signals.language_changed.emit("en")
    assert page.document.currentData() == "periodic"
    assert page.narrative_edits["situation"].toPlainText() == "Tình hình ổn định."
    assert page.document.currentText() == english["document"]
    assert page.tabs.tabText(1) == english["tab"]
    assert page.document_label.text() == english["label"]


# --- the periodic report of any unit of the tree, and its figures by unit ----------------


@pytest.fixture
def province_page(qtbot, db, session):
    """The Reports page of a province Party committee with a pre-2025 district and two
    communes (the records of test_reports.build)."""
    from test_reports import build

    world = build(session)
    session.commit()
    p = ReportsPage(AppContext(db, world.province.id))
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    choose_document(p, "periodic")
    p.period.set_preset("6m")
    p.period.year.setValue(2025)
    return p, world


def test_the_periodic_report_of_a_unit_chosen_in_the_tree_and_its_figures_by_unit(
        qtbot, province_page, wait_for_ops):
    page, world = province_page
    box = page.report_unit
    wait_for_ops()  # the tree of units is read on a worker
    assert box.isVisibleTo(page)
    # every unit of the tree, indented by level under the unit above it
    assert [box.itemText(i).strip("\u2003") for i in range(box.count())] == [
        "Tỉnh ủy Điện Biên", "Huyện ủy Điện Biên Đông (until 01/07/2025)",
        "Đảng ủy xã Mường Phăng", "Huyện ủy Tuần Giáo (until 01/07/2025)",
        "Đảng ủy xã Thanh Nưa"]
    assert [len(box.itemText(i)) - len(box.itemText(i).lstrip("\u2003"))
            for i in range(box.count())] == [0, 1, 2, 1, 1]
    assert box.currentData() == world.province.id
    assert page.unit_figure_rows() == []  # nothing computed yet

    preview(qtbot, page)
    assert page.tabs.isTabVisible(2)
    situation = page.narrative_edits["situation"]
    assert "8 new petitions" in situation.toPlainText()  # the province's figures
    rows = page.unit_figure_rows()
    assert [r[0] for r in rows] == [
        "Tỉnh ủy Điện Biên", "Huyện ủy Điện Biên Đông", "Huyện ủy Tuần Giáo",
        "Đảng ủy xã Mường Phăng", "Đảng ủy xã Thanh Nưa", "Total"]
    # sessions, visits, citizens, delegations, new, carried over, processed
    assert rows[-1][2:9] == ["13", "16", "29", "2", "8", "4", "8"]
    for col in range(2, 9):
        assert int(rows[-1][col]) == sum(int(r[col]) for r in rows[:-1])

    # a double click on a commune reports on it alone
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        page.unit_figures.cellDoubleClicked.emit(3, 0)
    assert box.currentData() == world.commune1.id
    assert page.last_report.unit.code == "DU-MP"
    rows = page.unit_figure_rows()
    assert [r[0] for r in rows] == ["Đảng ủy xã Mường Phăng", "Total"]
    assert rows[0][6:9] == ["3", "1", "3"]  # new, carried over, processed
    assert "ĐẢNG ỦY XÃ MƯỜNG PHĂNG" in pdf_text(page.preview.path)
    # the narrative left as filled was made again from the commune's figures
    assert "3 new petitions" in situation.toPlainText()
    assert not page.narrative_note.isVisibleTo(page)

    # one the official edited is kept when another unit is chosen, with a note
    situation.setPlainText("Tình hình ổn định.")
    page.set_report_unit(world.commune2.id)
    assert situation.toPlainText() == "Tình hình ổn định."
    page.tabs.setCurrentIndex(1)
    assert "another unit" in page.narrative_note.text()
    assert page.narrative_note.isVisibleTo(page)

    # the log book has no unit to choose
    choose_document(page, "logbook")
    wait_for_ops()
    assert not box.isVisibleTo(page)


# --- another program writing at the same moment ----------------------------------------------


def _other_program_writing(path: Path):
    """A second connection that holds the write lock (and changes a row), as another PC
    importing would."""
    import sqlite3

    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE units SET name = name")
    return other


@pytest.mark.sqlite_only("about SQLite's locking")
def test_mark_printed_waits_for_another_writer_and_lands(qtbot, page, ctx, rsession):
    """A window action outside a form's save (here: the minutes marked printed) reads,
    then writes; it waits for the other writer within the busy timeout, then is saved."""
    import threading
    import time as time_module

    open_session_minutes(qtbot, page, rsession)
    other = _other_program_writing(ctx.db.path)

    def finish() -> None:  # the other program finishes its write a moment later
        time_module.sleep(0.3)
        other.execute("COMMIT")
        other.close()

    threading.Thread(target=finish, daemon=True).start()
    qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)
    assert page.message_text() == ""
    assert "printed on" in page.minutes_status.text()


@pytest.mark.sqlite_only("about SQLite's locking")
def test_mark_printed_says_another_program_is_writing_when_the_wait_runs_out(
        qtbot, page, ctx, rsession, monkeypatch):
    from receptiondesk import db as db_module

    open_session_minutes(qtbot, page, rsession)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    ctx.db.engine.dispose()  # the next connections wait 0.2 s
    other = _other_program_writing(ctx.db.path)
    try:
        with i18n.using_language("vi"):
            qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)
            assert "Một chương trình khác đang ghi vào cơ sở dữ liệu" in page.message_text()
    finally:
        other.rollback()
        other.close()
    assert "printed on" not in page.minutes_status.text()
    qtbot.mouseClick(page.mark_printed_button, Qt.MouseButton.LeftButton)  # later: it lands
    assert "printed on" in page.minutes_status.text()


def test_a_concluding_notice_is_saved_under_its_number_and_day(ctx, rsession, tmp_path):
    """Not under today's date: two notices never share a file name."""
    from receptiondesk.services import meetings

    issued = HELD_ON + timedelta(days=1)
    with ctx.db.session() as s:
        notice = meetings.issue_notice(s, meetings.NoticeInput(
            "07/TB-ĐU", issued, "Kết luận buổi tiếp"), session_id=rsession.id)
        notice_id = notice.id
    produced = report_documents.produce_pdf(ctx.db, report_documents.Request(
        "notice", ctx.unit_id, "vi", subject_id=notice_id), tmp_path / "tb.pdf")
    assert produced.pages >= 1
    assert produced.stem == f"thong-bao-ket-luan-07-tb-du-{issued.isoformat()}"
