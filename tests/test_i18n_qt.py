"""Qt's own strings in the interface language: standard buttons, the (non-native) file
dialog, the context menus of text fields; a language switch relabels open windows and keeps
what was typed; the command line's argparse messages; ``msgfmt --check`` on both catalogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTextEdit,
    QTreeView,
)

from receptiondesk.i18n import set_language
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.qt_translation import (
    install_qt_translator,
    refresh_qt_translator,
    remove_qt_translator,
)

pytestmark = pytest.mark.usefixtures("no_modal_questions")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def translator(qapp):
    """The application's Qt translator, removed again after the test."""
    installed = install_qt_translator(qapp)
    yield installed
    set_language("en")
    remove_qt_translator(qapp)


def switch(qtbot, lang: str, ctx: AppContext | None = None) -> None:
    """What Settings ▸ Language does, then let the LanguageChange events run."""
    if ctx is not None:
        from receptiondesk.ui.settings.language import change_language

        change_language(ctx, lang)
    else:
        set_language(lang)
        refresh_qt_translator()
    qtbot.wait(10)
    QCoreApplication.processEvents()


def texts(widget) -> list[str]:
    """Every label and button text of a widget, accelerators removed."""
    found = [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton)]
    return [t.replace("&", "") for t in found if t]


def message_box(qtbot) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, "ReceptionDesk", "?")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.setDetailedText("…")
    qtbot.addWidget(box)
    box.show()
    return box


def button_texts(box: QMessageBox) -> dict[str, str]:
    sb = QMessageBox.StandardButton
    return {name: box.button(b).text() for name, b in (("ok", sb.Ok), ("cancel", sb.Cancel))}


# --- standard buttons -------------------------------------------------------------------------


def test_a_message_box_has_vietnamese_buttons(qtbot, translator):
    switch(qtbot, "vi")
    box = message_box(qtbot)
    assert button_texts(box) == {"ok": "Đồng ý", "cancel": "Hủy"}
    assert "Hiện chi tiết..." in texts(box)


def test_switching_to_english_relabels_an_open_message_box(qtbot, translator):
    switch(qtbot, "vi")
    box = message_box(qtbot)
    assert button_texts(box)["cancel"] == "Hủy"
    switch(qtbot, "en")
    qtbot.waitUntil(lambda: button_texts(box) == {"ok": "OK", "cancel": "Cancel"})
    switch(qtbot, "vi")
    qtbot.waitUntil(lambda: button_texts(box) == {"ok": "Đồng ý", "cancel": "Hủy"})


def test_a_button_box_follows_the_language(qtbot, translator):
    switch(qtbot, "vi")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Discard
                               | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    sb = QDialogButtonBox.StandardButton
    assert [buttons.button(b).text() for b in (sb.Save, sb.Discard, sb.Close)] == [
        "Lưu", "Bỏ thay đổi", "Đóng"]


def test_without_the_translator_qt_stays_english(qtbot, qapp):
    remove_qt_translator(qapp)  # whatever an earlier test installed
    set_language("vi")
    box = message_box(qtbot)
    assert button_texts(box) == {"ok": "OK", "cancel": "Cancel"}


# --- the file dialog --------------------------------------------------------------------------


def file_dialog(qtbot, folder: Path, accept=QFileDialog.AcceptMode.AcceptOpen) -> QFileDialog:
    dialog = QFileDialog(None, "", str(folder), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(accept)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    QCoreApplication.processEvents()
    return dialog


def header_texts(dialog: QFileDialog) -> list[str]:
    model = dialog.findChild(QTreeView, "treeView").model()
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def test_the_file_dialog_speaks_vietnamese(qtbot, translator, tmp_path):
    (tmp_path / "bien-ban.pdf").write_bytes(b"%PDF-1.4\n")
    switch(qtbot, "vi")
    dialog = file_dialog(qtbot, tmp_path)
    shown = texts(dialog)
    for expected in ("Tìm trong:", "Tên tệp:", "Loại tệp:", "Mở", "Hủy"):
        assert expected in shown, (expected, shown)
    for english in ("Look in:", "File name:", "Files of type:", "Open", "Cancel"):
        assert english not in shown
    assert header_texts(dialog) == ["Tên", "Kích thước", "Loại", "Ngày sửa đổi"]
    saving = file_dialog(qtbot, tmp_path, QFileDialog.AcceptMode.AcceptSave)
    assert "Lưu" in texts(saving)


def test_an_open_file_dialog_is_relabelled_in_english(qtbot, translator, tmp_path):
    switch(qtbot, "vi")
    dialog = file_dialog(qtbot, tmp_path)
    assert "Tên tệp:" in texts(dialog)
    switch(qtbot, "en")
    qtbot.waitUntil(lambda: "File name:" in texts(dialog))
    assert "Look in:" in texts(dialog) and "Tên tệp:" not in texts(dialog)
    assert header_texts(dialog)[0] == "Name"


def test_the_application_uses_non_native_dialogs(qapp):
    from receptiondesk.ui.app import application

    assert application() is qapp
    try:
        assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    finally:
        remove_qt_translator(qapp)


# --- context menus of text fields ----------------------------------------------------------------


def menu_texts(menu) -> list[str]:
    return [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]


def test_the_context_menu_of_a_line_edit_is_vietnamese(qtbot, translator):
    switch(qtbot, "vi")
    edit = QLineEdit("Nguyễn Văn An")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    assert menu_texts(menu) == ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa",
                                "Chọn tất cả"]
    text = QTextEdit("nội dung")
    qtbot.addWidget(text)
    assert "Sao chép" in menu_texts(text.createStandardContextMenu())
    switch(qtbot, "en")
    assert menu_texts(edit.createStandardContextMenu()) == [
        "Undo", "Redo", "Cut", "Copy", "Paste", "Delete", "Select All"]


def test_calendar_pop_ups_follow_the_language(qtbot, translator):
    switch(qtbot, "vi")
    assert QLocale().language() == QLocale.Language.Vietnamese
    switch(qtbot, "en")
    assert QLocale().language() == QLocale.Language.English


# --- a language switch with a form half filled -------------------------------------------------


def form_label(dialog, buddy) -> str:
    for label in dialog.findChildren(QLabel):
        if label.buddy() is buddy:
            return label.text()
    raise AssertionError("no label for the field")


def test_switching_the_language_keeps_a_half_filled_official_form(qtbot, translator, ctx):
    from receptiondesk.ui.settings.officials import OfficialDialog

    dialog = OfficialDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.full_name.setText("Lò Thị Mai")
    dialog.position.setText("Chủ tịch UBND xã")
    dialog.duty_role.setCurrentIndex(dialog.duty_role.findData("committee_chairman"))
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert form_label(dialog, dialog.full_name) == "Full name:"

    switch(qtbot, "vi", ctx)

    assert dialog.full_name.text() == "Lò Thị Mai"
    assert dialog.position.text() == "Chủ tịch UBND xã"
    assert dialog.duty_role.currentData() == "committee_chairman"
    assert dialog.duty_role.currentText() == "Chủ tịch Ủy ban nhân dân"
    assert form_label(dialog, dialog.full_name) == "Họ và tên:"
    assert form_label(dialog, dialog.position) == "Chức vụ:"
    assert dialog.windowTitle() == "Thêm cán bộ"
    assert cancel.text() == "Hủy"

    switch(qtbot, "en", ctx)
    assert dialog.full_name.text() == "Lò Thị Mai"
    assert form_label(dialog, dialog.full_name) == "Full name:"
    assert cancel.text() == "Cancel"


def test_switching_the_language_keeps_a_half_filled_petition(qtbot, translator, ctx):
    from receptiondesk.ui.petition_forms import PetitionDialog

    dialog = PetitionDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.content.setPlainText("Đề nghị cấp giấy chứng nhận quyền sử dụng đất.")
    dialog.ptype.setCurrentIndex(dialog.ptype.findData("recommendation"))
    dialog.ref.setText("KN-07")
    before = form_label(dialog, dialog.content)

    switch(qtbot, "vi", ctx)

    assert dialog.content.toPlainText() == "Đề nghị cấp giấy chứng nhận quyền sử dụng đất."
    assert dialog.ref.text() == "KN-07"
    assert dialog.ptype.currentData() == "recommendation"
    assert dialog.ptype.currentText() == "Kiến nghị"
    after = form_label(dialog, dialog.content)
    assert after != before and after == "Nội dung"
    assert form_label(dialog, dialog.ptype) == "Loại đơn"


# --- the command line -----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "receptiondesk.cli", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_command_line_help_is_vietnamese():
    result = run_cli("--lang", "vi", "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("cách dùng: receptiondesk")
    assert "tùy chọn:" in out and "hiện hướng dẫn này rồi thoát" in out
    for english in ("usage:", "options", "positional arguments", "show this help"):
        assert english not in out


def test_command_line_usage_errors_are_vietnamese():
    result = run_cli("--lang", "vi", "import")
    assert result.returncode == 2
    assert "thiếu các tham số bắt buộc: kind, file" in result.stderr
    assert "required" not in result.stderr
    result = run_cli("--lang", "vi", "demo", "--out", "x.db", "--scale", "huge")
    assert "lựa chọn không hợp lệ" in result.stderr
    english = run_cli("--lang", "en", "--help")
    assert english.stdout.startswith("usage: receptiondesk") and "options:" in english.stdout


# --- the catalogs compile cleanly with GNU gettext ----------------------------------------------


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_msgfmt_check_passes(lang, tmp_path):
    po = ROOT / "i18n" / lang / "LC_MESSAGES" / "receptiondesk.po"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "x.mo"),
                             str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if re.search(r"warning", line)]
    assert warnings == []
