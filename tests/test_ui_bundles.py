"""The bundle dialogs, driven through their widgets: export, import step by step (verify →
fingerprint → counts → apply), a tampered file, and the conflicts list."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from receptiondesk.exchange.bundle import verify_bundle
from receptiondesk.exchange.bundle_export import export_bundle
from receptiondesk.exchange.bundle_merge import apply_import
from receptiondesk.model import BundleConflict, Inspection, Petition
from receptiondesk.services import inspections, units
from receptiondesk.services import petitions as ps
from receptiondesk.services.database import open_database
from receptiondesk.services.office_keys import own_key
from receptiondesk.ui.bundles import ConflictsDialog, ExportBundleDialog, ImportBundleDialog
from receptiondesk.ui.context import AppContext
from receptiondesk.ui.worker import wait_for_background

TODAY = date(2025, 12, 20)


@pytest.fixture(autouse=True)
def finish_background():
    yield
    wait_for_background()


@pytest.fixture
def commune(db, session, unit, official):
    """The commune (the ``db`` fixture) with a petition and an inspection."""
    ps.register_petition(session, unit.id, ps.PetitionInput(
        received_date=date(2025, 5, 5), petition_type="reflection", content="Đường hỏng",
        field_code="other", petitioners=[ps.PetitionerInput(full_name="Hoàng Thị Đào")]),
        today=TODAY)
    inspections.create_inspection(session, unit.id, inspections.InspectionInput(
        inspection_date=date(2025, 9, 1), organisations="Chi bộ A", content="Kiểm tra"),
        today=TODAY)
    session.commit()
    return AppContext(db, unit.id, official_id=official.id)


@pytest.fixture
def province(tmp_path):
    db = open_database(tmp_path / "province.db")
    with db.session() as s:
        home = units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy Điện Biên",
                                                    level="province", kind="party"), home=True)
    yield AppContext(db, home.id)
    db.close()


def _bundle(ctx: AppContext, path: Path) -> Path:
    with ctx.db.session() as s:
        export_bundle(s, path)
    return path


def _show(qtbot, dialog, path: Path | None = None):
    qtbot.addWidget(dialog)
    dialog.show()
    if path is not None:  # looked at as a picture: nothing clipped
        dialog.grab().save(str(path))
    return dialog


def test_export_dialog_writes_the_bundle_and_shows_the_fingerprint(qtbot, commune, tmp_path):
    dialog = _show(qtbot, ExportBundleDialog(commune))
    target = tmp_path / "office.rdbundle"
    dialog.file.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and "Bundle written" in dialog.message.text(),
                    timeout=20_000)
    with commune.db.session() as s:
        key = own_key(s, units.home_unit(s), create=False)
    assert key.fingerprint in dialog.fingerprint.text()
    assert verify_bundle(target).parts["petitions"].records == 1
    dialog.grab().save(str(tmp_path / "export.png"))


def test_export_dialog_asks_for_a_file_first(qtbot, commune):
    dialog = _show(qtbot, ExportBundleDialog(commune))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "Choose the file" in dialog.message.text()


def test_import_dialog_verifies_asks_for_the_fingerprint_then_applies(
        qtbot, commune, province, tmp_path):
    path = _bundle(commune, tmp_path / "office.rdbundle")
    dialog = _show(qtbot, ImportBundleDialog(province))
    dialog.file.setText(str(path))
    dialog.verify()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
    assert "signature and" in dialog.sender.text()
    assert not dialog.key_box.isHidden()
    assert dialog.fingerprint.text() == verify_bundle(path).fingerprint
    assert not dialog.apply_button.isEnabled()  # not before the fingerprint is confirmed
    kinds = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "Petitions" in kinds and kinds[-1] == "Total"
    # an unknown key: only the manifest is read, what it lists is shown
    assert dialog.preview.manifest_only and dialog.table.columnCount() == 2
    assert dialog.table.horizontalHeaderItem(1).text() == "Records in the bundle"
    dialog.grab().save(str(tmp_path / "import_preview.png"))
    with province.db.session() as s:
        assert s.query(Petition).count() == 0  # a preview writes nothing
    dialog.confirm.setChecked(True)  # confirmed: the parts are read and counted
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.preview.manifest_only,
                    timeout=20_000)
    assert dialog.preview.total.new > 0 and dialog.table.columnCount() == 6
    assert dialog.confirm.isChecked() and dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert "Imported: " in dialog.message.text() and "registered" in dialog.message.text()
    assert dialog.key_box.isHidden()
    assert not dialog.apply_button.isEnabled()
    with province.db.session() as s:
        assert s.query(Petition).count() == 1
    dialog.grab().save(str(tmp_path / "import_done.png"))

    # A second time: the key is known, nothing is new.
    again = _show(qtbot, ImportBundleDialog(province))
    again.file.setText(str(path))
    again.verify()
    qtbot.waitUntil(lambda: again.preview is not None, timeout=20_000)
    assert again.key_box.isHidden() and again.apply_button.isEnabled()
    assert again.preview.total.new == 0


def test_import_dialog_names_what_is_wrong(qtbot, commune, province, tmp_path):
    path = _bundle(commune, tmp_path / "office.rdbundle")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    bad = tmp_path / "bad.rdbundle"
    bad.write_bytes(bytes(raw))
    dialog = _show(qtbot, ImportBundleDialog(province))
    dialog.file.setText(str(bad))
    dialog.verify()
    qtbot.waitUntil(lambda: not dialog.busy and "Checking" not in dialog.message.text(),
                    timeout=20_000)
    assert "changed" in dialog.message.text()
    assert not dialog.apply_button.isEnabled()
    assert dialog.preview is None


def test_conflicts_dialog_takes_the_senders_version(qtbot, commune, province, tmp_path):
    first = _bundle(commune, tmp_path / "first.rdbundle")
    with province.db.session() as s:
        apply_import(s, verify_bundle(first), trust_new_key=True)
    with commune.db.session() as s:
        insp = s.query(Inspection).one()
        insp.findings = "Sửa ở xã"
    with province.db.session() as s:
        s.get(Inspection, insp.id).findings = "Sửa ở tỉnh"
    second = _bundle(commune, tmp_path / "second.rdbundle")
    with province.db.session() as s:
        assert apply_import(s, verify_bundle(second)).total.conflicts == 1

    dialog = _show(qtbot, ConflictsDialog(province))
    assert dialog.list.rowCount() == 1
    fields = {dialog.detail.item(r, 0).text(): (dialog.detail.item(r, 1).text(),
                                               dialog.detail.item(r, 2).text())
              for r in range(dialog.detail.rowCount())}
    assert fields["findings"] == ("Sửa ở tỉnh", "Sửa ở xã")  # the field named in English
    dialog.resize(900, 520)
    dialog.grab().save(str(tmp_path / "conflicts.png"))
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    assert dialog.list.rowCount() == 0 and not dialog.take_button.isEnabled()
    with province.db.session() as s:
        assert s.get(Inspection, insp.id).findings == "Sửa ở xã"
        assert s.query(BundleConflict).one().resolution == "take_theirs"


def test_a_deletion_conflict_shows_the_fields_as_deleted_on_their_side(
        qtbot, commune, province, tmp_path):
    first = _bundle(commune, tmp_path / "first.rdbundle")
    with province.db.session() as s:
        apply_import(s, verify_bundle(first), trust_new_key=True)
    with commune.db.session() as s:
        insp_id = s.query(Inspection).one().id
        inspections.delete_inspection(s, insp_id)
    with province.db.session() as s:
        s.get(Inspection, insp_id).findings = "Sửa ở tỉnh"
    second = _bundle(commune, tmp_path / "second.rdbundle")

    importer = _show(qtbot, ImportBundleDialog(province))
    importer.file.setText(str(second))
    importer.verify()
    qtbot.waitUntil(lambda: importer.preview is not None, timeout=20_000)
    last = importer.table.columnCount() - 1
    assert importer.table.horizontalHeaderItem(last).text() == "Deleted"
    with province.db.session() as s:
        assert apply_import(s, verify_bundle(second)).total.conflicts == 1

    dialog = _show(qtbot, ConflictsDialog(province))
    assert dialog.list.rowCount() == 1
    assert dialog.list.item(0, 1).text() == "Kiểm tra"  # named by this copy
    fields = {dialog.detail.item(r, 0).text(): (dialog.detail.item(r, 1).text(),
                                               dialog.detail.item(r, 2).text())
              for r in range(dialog.detail.rowCount())}
    assert fields["findings"] == ("Sửa ở tỉnh", "(deleted)")
    assert {theirs for _mine, theirs in fields.values()} == {"(deleted)"}
    dialog.resize(900, 520)
    dialog.grab().save(str(tmp_path / "deletion_conflict.png"))
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    assert dialog.list.rowCount() == 0
    with province.db.session() as s:
        assert s.get(Inspection, insp_id) is None
        assert s.query(BundleConflict).one().resolution == "take_theirs"


def test_the_file_menu_opens_the_bundle_dialogs(qtbot, province):
    from receptiondesk.ui.main_window import MainWindow

    window = MainWindow(province)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.file_menu.actions()]
    assert "Export a &bundle for the upper level…" in texts
    assert "&Import a bundle from an office…" in texts
    window.act_import_bundle.trigger()
    dialogs = window.findChildren(ImportBundleDialog)
    assert dialogs and dialogs[0].isVisible()
    window.act_bundle_conflicts.trigger()
    assert window.findChildren(ConflictsDialog)
