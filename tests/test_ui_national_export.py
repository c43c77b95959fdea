"""File ▸ Export for the national database…: the dialog lists the values with no national
code, exports a file off the GUI thread, and leads to Settings ▸ National codes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from datetime import date

import pytest

from receptiondesk.services import national_codes
from receptiondesk.services import petitions as ps
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.main_window import MainWindow
from receptiondesk.ui.national_export import NationalExportDialog
from receptiondesk.ui.worker import wait_for_background

TODAY = date(2026, 3, 1)


@pytest.fixture
def ctx(db, session, unit, official):
    for i, ptype in enumerate(("complaint", "denunciation", "recommendation")):
        ps.register_petition(session, unit.id, ps.PetitionInput(
            received_date=date(2026, 1, 5 + i), petition_type=ptype, content=f"Đơn {i}",
            field_code="land", petitioners=[ps.PetitionerInput("Lò Văn Đơn")]), today=TODAY)
    session.commit()
    return AppContext(db, unit.id, official_id=official.id)


def _dialog(qtbot, ctx) -> NationalExportDialog:
    dialog = NationalExportDialog(ctx, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_dialog_lists_the_unit_without_a_code_then_exports_anyway(qtbot, ctx, tmp_path):
    dialog = _dialog(qtbot, ctx)
    qtbot.waitUntil(lambda: dialog.unmapped_list.count() == 1)
    assert "Đảng ủy xã Mường Phăng" in dialog.unmapped_list.item(0).text()
    out = tmp_path / "national.json"
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    dialog.file.setText(str(tmp_path / "national"))

    dialog.start_export()  # refused: the unit has no national code
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert "no national code" in dialog.message.text() and not out.exists()

    dialog.allow_unmapped.setChecked(True)
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert "Exported 3 petitions" in dialog.message.text()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["header"]["count"] == 3
    assert [r["type_code"] for r in doc["records"]] == ["01", "02", "03"]


def test_with_every_code_given_the_dialog_exports_xlsx(qtbot, ctx, tmp_path):
    with ctx.db.session() as s:
        national_codes.save_national_code(s, "unit", ctx.unit_id, "11606")
    dialog = _dialog(qtbot, ctx)
    wait_for_background()
    qtbot.waitUntil(lambda: dialog.unmapped_box.isHidden())
    out = tmp_path / "n.xlsx"
    dialog.file.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as signal:
        dialog.export_button.click()
    assert signal.args == [str(out)] and out.exists()


def test_open_settings_shows_the_national_codes_tab(qtbot, ctx, wait_for_ops):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.pages))
    assert window.act_national.text() == "Export for the national &database…"
    dialog = window.export_national()
    # the menu's dialog opens on the current year; the petitions are of 2026
    dialog.period.year.setValue(TODAY.year)
    qtbot.waitUntil(lambda: dialog.unmapped_list.count() == 1)
    dialog.settings_button.click()
    settings = window.pages["settings"]
    assert window.current_name() == "settings"
    assert settings.tabs.currentWidget() is settings.national_tab
    tab = settings.national_tab
    tab.select_list("unit")
    wait_for_ops()
    assert tab.model.rowCount() >= 1


def test_a_code_edited_in_settings_is_saved(qtbot, ctx, wait_for_ops):
    from receptiondesk.ui.settings.national_codes import NationalCodeDialog, NationalCodesTab

    tab = NationalCodesTab(ctx)
    qtbot.addWidget(tab)
    tab.select_list("handling")
    wait_for_ops()
    assert [tab.model.row_at(i).cells[2] for i in range(2)] == ["01", "02"]
    with ctx.db.session() as s:
        entry = next(e for e in national_codes.entries(s, "handling") if e.code == "guide")
    dialog = NationalCodeDialog(ctx, "handling", entry)
    qtbot.addWidget(dialog)
    dialog.national_code.setText("HD-02")
    dialog.try_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    wait_for_ops()
    assert tab.model.row_at(1).cells[2] == "HD-02"  # the list follows the change
    dialog = NationalCodeDialog(ctx, "handling", entry)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.national_code.setText("x" * 41)
    dialog.try_save()
    assert "at most 40 characters" in dialog.errors.message_for("national_code")


def _gate(monkeypatch):
    """Holds the export (in its worker) until the test opens the gate."""
    import threading

    from receptiondesk.exchange import national

    gate = threading.Event()
    real = national.find_unmapped

    def held(session, scope):
        assert gate.wait(10)
        return real(session, scope)

    monkeypatch.setattr(national, "find_unmapped", held)
    return gate


def test_the_progress_bar_counts_the_petitions_written(qtbot, ctx, tmp_path, monkeypatch):
    from receptiondesk.exchange import national

    monkeypatch.setattr(national, "PAGE_SIZE", 1)
    gate = _gate(monkeypatch)
    dialog = _dialog(qtbot, ctx)
    dialog.allow_unmapped.setChecked(True)
    out = tmp_path / "n.xlsx"
    dialog.file.setText(str(out))
    shown = []
    dialog.progress.valueChanged.connect(lambda _v: shown.append(dialog.progress.text()))
    dialog.export_button.click()
    # while it runs: the bar and Cancel, the choices locked
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    assert not dialog.export_button.isEnabled() and not dialog.file.isEnabled()
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        gate.set()
    assert list(dict.fromkeys(t for t in shown if t)) == [
        "1 of 3 petitions written", "2 of 3 petitions written", "3 of 3 petitions written"]
    assert dialog.progress.isHidden() and dialog.export_button.isEnabled()
    assert out.exists()


def test_cancel_leaves_no_file_and_says_so(qtbot, ctx, tmp_path, monkeypatch):
    from receptiondesk.exchange import national

    monkeypatch.setattr(national, "PAGE_SIZE", 1)
    gate = _gate(monkeypatch)
    dialog = _dialog(qtbot, ctx)
    dialog.allow_unmapped.setChecked(True)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.file.setText(str(folder / "n.xlsx"))
    dialog.export_button.click()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.message.text() == "The export was cancelled; no file was written."
    assert list(folder.iterdir()) == []
