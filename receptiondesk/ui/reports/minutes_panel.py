"""The minutes panel of the Reports page: the minutes of a meeting, their versions and
state (printed, signed, addenda), marking them printed or signed and opening the signed
copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import _, format_date, ngettext
from ...model.codes import MinutesStatus
from ...services import minutes as minutes_service
from ...services.errors import ServiceError
from ...services.record_kinds import RecordKind
from ..forms import fill_combo
from ..permissions import guard, may
from ..report_forms import AddendumDialog, SignMinutesDialog
from .documents import MINUTES_SUBJECTS


class MinutesPanel:
    """The minutes part of the Reports page (a mixin of ``ReportsPage``)."""

    def _build_minutes(self) -> QGroupBox:
        self.minutes_group = QGroupBox()
        self.minutes_version = QComboBox()
        self.minutes_version.setObjectName("minutes_version")
        self.minutes_version.currentIndexChanged.connect(lambda _i: self._on_version())
        # the office's copy lists every citizen; each citizen signs a page of their own
        self.minutes_copy = QComboBox()
        self.minutes_copy.setObjectName("minutes_copy")
        self.minutes_copy.currentIndexChanged.connect(lambda _i: self._mark_stale())
        self.minutes_status = QLabel()
        self.minutes_status.setObjectName("minutes_status")
        self.minutes_status.setWordWrap(True)
        # which printed version the paper is, and whether the records still say the same
        self.minutes_version_state = QLabel()
        self.minutes_version_state.setObjectName("minutes_version_state")
        self.minutes_version_state.setWordWrap(True)
        self.minutes_version_state.hide()
        self.mark_printed_button = QPushButton()
        self.mark_signed_button = QPushButton()
        self.open_signed_button = QPushButton()
        self.addendum_button = QPushButton()
        grid = QGridLayout()
        for i, (name, button, slot) in enumerate((
            ("mark_printed", self.mark_printed_button, self.mark_printed),
            ("mark_signed", self.mark_signed_button, self.mark_signed),
            ("open_signed_copy", self.open_signed_button, self.open_signed_copy),
            ("add_addendum", self.addendum_button, self.add_addendum),
        )):
            button.setObjectName(name)
            button.clicked.connect(slot)
            grid.addWidget(button, i // 2, i % 2)
        layout = QVBoxLayout(self.minutes_group)
        layout.addWidget(self.minutes_version)
        layout.addWidget(self.minutes_copy)
        layout.addWidget(self.minutes_status)
        layout.addWidget(self.minutes_version_state)
        layout.addLayout(grid)
        return self.minutes_group

    def _load_minutes(self, select: str | None = None) -> None:
        """The minutes of the chosen subject (the original and its addenda)."""
        code = self.kind().code
        subject_id = self.subject.selected_id()
        versions: list[tuple[str, str]] = []
        if code in MINUTES_SUBJECTS and subject_id:
            keep = select or self.minutes_version.currentData()
            with self.ctx.db.session() as s:
                try:
                    found = minutes_service.minutes_of_subject(s, MINUTES_SUBJECTS[code],
                                                               subject_id)
                except ServiceError:
                    found = []
                for m in found:
                    text = (_("Addendum {number}") if m.addendum_of_id
                            else _("Minutes {number}")).format(number=m.number)
                    versions.append((m.id, text))
        else:
            keep = None
        self._minutes_ids = [v[0] for v in versions]
        fill_combo(self.minutes_version, versions, keep)
        self.minutes_version.setVisible(len(versions) > 1)
        self._show_minutes()

    def selected_minutes_id(self) -> str | None:
        return self.minutes_version.currentData()

    def _show_minutes(self) -> None:
        facts = self._minutes_facts()
        busy = self._job is not None
        if facts is None:
            self.minutes_status.setText(_("No minutes yet: Preview makes a numbered draft."))
            self.minutes_version_state.hide()
            for button in (self.mark_printed_button, self.mark_signed_button,
                           self.open_signed_button, self.addendum_button):
                button.setEnabled(False)
            return
        status, number, printed, signed, has_copy, is_addendum, versions = facts
        drifted = versions is not None and bool(versions.versions) and not versions.printed
        # printed paper the records no longer match is not waiting for signatures any more
        shown = MinutesStatus.DRAFT if drifted and status == MinutesStatus.PRINTED else status
        self.minutes_status.setText(_minutes_status(shown, number, printed, signed, has_copy))
        if versions is not None:
            self.minutes_version_state.setText(_version_text(versions))
            # superseded paper: the warning colour of the pages' error messages
            self.minutes_version_state.setStyleSheet(
                "color: #a4262c; font-weight: bold;" if drifted else "color: #333333;")
            self.minutes_version_state.show()
        else:
            self.minutes_version_state.hide()
        signed_now = status == MinutesStatus.SIGNED
        steps = minutes_service.STEP_PERMISSIONS
        guard(self.mark_printed_button, steps["mark_printed"], not signed_now and not busy)
        guard(self.mark_signed_button, steps["mark_signed"],
              not signed_now and not busy and not drifted)
        if may(steps["mark_signed"]):  # else the tooltip says why the role may not
            self.mark_signed_button.setToolTip(_(
                "The records changed after the minutes were printed: print the new version "
                "and mark it printed before it is signed.") if drifted and not signed_now
                else "")
        self.open_signed_button.setEnabled(has_copy and not busy)
        guard(self.addendum_button, steps["add_addendum"],
              signed_now and not is_addendum and not busy)

    def _minutes_facts(self) -> tuple | None:
        """(status, number, printed at, signed at, has a scan, is an addendum, version
        state) of the chosen minutes, or None."""
        minutes_id = self.selected_minutes_id() if self._minutes_ids else None
        if not minutes_id:
            return None
        with self.ctx.db.session() as s:
            try:
                m = minutes_service.get_minutes(s, minutes_id)
            except ServiceError:
                return None
            try:
                versions = minutes_service.version_state(s, minutes_id)
            except ServiceError:
                versions = None
            return (m.status, m.number, m.printed_at, m.signed_at, bool(m.signed_copy_id),
                    bool(m.addendum_of_id), versions)

    def mark_printed(self) -> None:
        minutes_id = self.selected_minutes_id()
        if not minutes_id:
            return
        try:
            with self.ctx.db.session() as s:
                minutes_service.mark_printed(s, minutes_id)
        except ServiceError as exc:
            self.show_message(str(exc), error=True)
            return
        self._after_minutes_change(minutes_id)

    def make_sign_dialog(self) -> SignMinutesDialog | None:
        minutes_id = self.selected_minutes_id()
        return SignMinutesDialog(self.ctx, minutes_id, self) if minutes_id else None

    def mark_signed(self) -> None:
        dialog = self.make_sign_dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.signed(dialog)

    def signed(self, dialog: SignMinutesDialog) -> None:
        """After the sign dialog saved: the records behind the minutes are locked now."""
        self._after_minutes_change(dialog.minutes_id)
        for kind in (RecordKind.SESSION, RecordKind.VISIT, RecordKind.MEETING):
            self.ctx.signals.data_changed.emit(kind)

    def open_signed_copy(self) -> Path | None:
        """Write the kept scanned copy to a temporary file and open it in its viewer."""
        minutes_id = self.selected_minutes_id()
        if not minutes_id:
            return None
        try:
            with self.ctx.db.session() as s:
                copy = minutes_service.signed_copy(s, minutes_id)
        except ServiceError as exc:
            self.show_message(str(exc), error=True)
            return None
        if copy is None:
            self.show_message(_("No scanned copy is kept with these minutes."), error=True)
            return None
        name, data = copy
        folder = Path(self._tmp.name) / f"signed-{minutes_id}"
        folder.mkdir(exist_ok=True)
        path = folder / (Path(name).name or "signed.pdf")
        path.write_bytes(data)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.show_message(_("No program is set to open {name}.").format(name=path.name),
                              error=True)
        return path

    def make_addendum_dialog(self) -> AddendumDialog | None:
        minutes_id = self.selected_minutes_id()
        return AddendumDialog(self.ctx, minutes_id, self) if minutes_id else None

    def add_addendum(self) -> None:
        dialog = self.make_addendum_dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.addendum_added(dialog)

    def addendum_added(self, dialog: AddendumDialog) -> None:
        """Select the new addendum and show it, ready to print for signing."""
        self._after_minutes_change(dialog.result_id)
        QTimer.singleShot(0, lambda: self.preview_document())

    def _after_minutes_change(self, select: str | None) -> None:
        self._load_minutes(select=select)
        self._set_stale(True)
        self.ctx.signals.data_changed.emit(RecordKind.MINUTES)


def _minutes_status(status: str, number: str, printed, signed, has_copy: bool) -> str:
    if status == MinutesStatus.SIGNED:
        text = _("Minutes {number}: signed on {date}; they and the records behind them are "
                 "locked.").format(number=number, date=format_date(signed))
        return text + " " + (_("The scanned signed copy is kept.") if has_copy
                             else _("No scanned copy is attached."))
    if status == MinutesStatus.PRINTED:
        return _("Minutes {number}: printed on {date}, waiting for signatures.").format(
            number=number, date=format_date(printed))
    return _("Minutes {number}: draft, not yet printed for signing.").format(number=number)


def _version_text(state: minutes_service.VersionState) -> str:
    """Which printed version of the minutes the paper is, in a sentence."""
    if state.signed is not None:
        text = _("Version {version} was signed (fingerprint {fingerprint}); a reprint gives "
                 "exactly what was signed.").format(version=state.signed.number,
                                                    fingerprint=state.signed.short_fingerprint)
    elif state.printed:
        latest = state.latest
        text = _("Version {version} printed on {date} (fingerprint {fingerprint}): this is "
                 "the version to sign.").format(version=latest.number,
                                                date=format_date(latest.printed_at),
                                                fingerprint=latest.short_fingerprint)
    elif state.versions:
        text = _("Changed after printing: version {printed} is superseded; print version "
                 "{version} (fingerprint {fingerprint}) and have it signed instead.").format(
            printed=state.latest.number, version=state.current,
            fingerprint=state.short_fingerprint)
    else:
        text = _("Version {version} (fingerprint {fingerprint}), not printed yet.").format(
            version=state.current, fingerprint=state.short_fingerprint)
    older = [v.number for v in state.superseded
             if state.latest is None or v.number != state.latest.number or state.signed]
    if older and state.signed is not None:
        text += " " + ngettext("Superseded: version {versions}.",
                               "Superseded: versions {versions}.", len(older)).format(
            versions=", ".join(str(n) for n in older))
    return text
