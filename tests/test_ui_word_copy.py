"""The Reports page saves a Word copy (issue 19, point 2): "Save as Word…" next to "Save as
PDF…", written off the GUI thread through the door, the narrative as the official left it."""

from __future__ import annotations

import json

import pytest
import test_ui_reports
from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from receptiondesk.model import AuditEntry

# the page, its records and the fixtures that settle the window (autouse ones too)
bundled_font = test_ui_reports.bundled_font
pytestmark = pytest.mark.usefixtures("no_modal_questions")
finish_background = test_ui_reports.finish_background
rsession, ctx, page = test_ui_reports.rsession, test_ui_reports.ctx, test_ui_reports.page
choose_document = test_ui_reports.choose_document


def _text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def _ask(monkeypatch, *targets) -> list[str]:
    names = iter(targets)
    asked: list[str] = []

    def save_name(_parent, _caption, suggested, file_filter):
        asked.append(f"{suggested} {file_filter}")
        return str(next(names)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    return asked


def test_save_the_report_as_word(qtbot, page, db, tmp_path, monkeypatch, wait_for_ops):
    choose_document(page, "periodic")
    wait_for_ops()
    page.period.set_preset("year")
    page.narrative_edits["tasks"].setPlainText("Tổ chức đối thoại với các hộ dân bản Co Mận.")
    asked = _ask(monkeypatch, tmp_path / "bao-cao")
    assert page.save_word_button.isEnabled() and page.save_word_button.text() == "Save as Word…"
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.save_word_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "bao-cao.docx"  # the extension is added
    assert asked[0].split()[0].endswith(".docx") and "*.docx" in asked[0]
    assert f"Saved to {target}." == page.message_text()
    text = _text(target)
    assert "REPORT" in text and "Tổ chức đối thoại với các hộ dân bản Co Mận." in text
    with db.session() as s:
        entry = s.query(AuditEntry).filter_by(record_kind="periodic_report").order_by(
            AuditEntry.seq.desc()).first()
        assert json.loads(entry.detail)["format"] == "docx"


def test_save_the_minutes_as_word(qtbot, page, rsession, tmp_path, monkeypatch):
    choose_document(page, "minutes_session")
    assert page.subject.select_id(rsession.id)
    _ask(monkeypatch, tmp_path / "bien-ban.docx")
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        qtbot.mouseClick(page.save_word_button, Qt.MouseButton.LeftButton)
    text = _text(tmp_path / "bien-ban.docx")
    assert "MINUTES" in text and "Nguyễn Văn An" in text and "Lò Thị Mai" in text
