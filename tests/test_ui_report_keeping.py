"""The Reports page keeps the periodic report: a narrative drafted in one sitting reopens
in the next, is issued under its number, corrected, and each issued report is saved again
exactly as issued; the register of outgoing documents lists both numbers."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from test_ui_reports import (  # noqa: F401 - fixtures used by name
    bundled_font,
    choose_document,
    ctx,
    finish_background,
    pdf_text,
    rsession,
)

from receptiondesk.services import report_keeping
from receptiondesk.ui.reports import ReportsPage

pytestmark = pytest.mark.usefixtures("no_modal_questions")


def open_page(qtbot, ctx, wait_for_ops) -> ReportsPage:  # noqa: F811 - the fixture
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    choose_document(page, "periodic")
    page.period.set_preset("year")
    wait_for_ops()
    return page


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_draft_over_two_sittings_issue_correct_and_save_as_issued(
        qtbot, ctx, wait_for_ops, monkeypatch, tmp_path):  # noqa: F811
    first = open_page(qtbot, ctx, wait_for_ops)
    assert "No draft saved" in first.keeping.status.text()
    first.narrative_edits["situation"].setPlainText("Tình hình trong năm ổn định.")
    first.narrative_edits["tasks"].setPlainText("Tiếp tục tiếp công dân định kỳ.")
    click(qtbot, first.keeping.save_button)
    wait_for_ops()
    assert "version 1" in first.keeping.status.text()
    first.close()

    second = open_page(qtbot, ctx, wait_for_ops)  # the next sitting
    assert second.narrative_edits["situation"].toPlainText() == "Tình hình trong năm ổn định."
    assert "version 1" in second.keeping.status.text()
    asked: list[tuple[str, str | None]] = []
    monkeypatch.setattr(second.keeping, "confirm_issue",
                        lambda period, replaces: asked.append((period.title, replaces)) or True)
    click(qtbot, second.keeping.issue_button)
    wait_for_ops()
    items = [second.keeping.issued_list.item(i).text()
             for i in range(second.keeping.issued_list.count())]
    assert len(items) == 1 and items[0].startswith("01-BC/ĐU")
    assert "Report issued: 01-BC/ĐU" in second.message_text()

    second.narrative_edits["situation"].setPlainText("Đính chính: tình hình ổn định.")
    click(qtbot, second.keeping.issue_button)  # the correction replaces the one in force
    wait_for_ops()
    assert asked[1][1] == "01-BC/ĐU"
    items = [second.keeping.issued_list.item(i).text()
             for i in range(second.keeping.issued_list.count())]
    assert "replaced by 02-BC/ĐU" in items[0] and "replaces 01-BC/ĐU" in items[1]

    second.keeping.issued_list.setCurrentRow(0)
    target = tmp_path / "bao-cao-01.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(target), "")))
    click(qtbot, second.keeping.copy_button)
    wait_for_ops()
    with ctx.db.session() as s:
        issued = report_keeping.find_issued(s, "01-BC/ĐU")
        assert target.read_bytes() == issued.pdf
    assert "Tình hình trong năm ổn định." in pdf_text(target)
    assert "Đính chính" not in pdf_text(target)

    choose_document(second, "register")  # the register lists both numbers
    second.period.set_preset("year")
    with qtbot.waitSignal(second.job_finished, timeout=60_000):
        click(qtbot, second.preview_button)
    text = pdf_text(second.preview.path)
    assert "01-BC/ĐU" in text and "02-BC/ĐU" in text
