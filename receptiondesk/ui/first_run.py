"""The first run: a short wizard that asks the language, where the office keeps its data
(when the database was not named on the command line), the office and its first official,
or fills the empty database with demo records to try the program.

The wizard can be driven without ``exec()`` (tests): :meth:`FirstRunWizard.set_language`,
:meth:`~FirstRunWizard.choose_demo`, :meth:`~FirstRunWizard.fill_location`,
:meth:`~FirstRunWizard.fill_office`,
:meth:`~FirstRunWizard.fill_official` and :meth:`~FirstRunWizard.finish`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from .. import drives
from ..db import Database, DatabaseError
from ..i18n import N_, _, current_language, set_language
from ..location import (
    DB_FILE,
    folder_problem,
    read_location,
    site_folder,
    sqlite_url,
    user_data_folder,
    write_location,
)
from ..model.codes import DutyRole, Level, UnitKind, choices
from ..services.database import open_database
from ..services.errors import FieldError, ServiceError, ValidationError
from ..services.units import OfficialInput, UnitInput, create_official, create_unit
from ..text import fold
from .context import AppContext
from .folder_work import wait_for_answer
from .forms import FieldErrors, check, combo, fill_combo, line, show_error
from .qt_translation import refresh_qt_translator
from .worker import run_in_background

WELCOME, OFFICE, OFFICIAL, LOCATION = 0, 1, 2, 3
#: language codes and their names, each written in its own language (never translated)
LANGUAGE_NAMES = (("vi", "Tiếng Việt"), ("en", "English"))
DEMO_SCALE = "small"


def suggest_code(name: str) -> str:
    """A unit code from its name: "Xã Tân Lập" → "XA-TAN-LAP"."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    return "-".join(words).upper()[:40].rstrip("-")


class _Steps(QObject):
    step = Signal(str, float)


class _Page(QWizardPage):
    """A wizard page with a labelled form whose field errors show under each field."""

    def __init__(self) -> None:
        super().__init__()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(self.form)
        self.captions: list[tuple[QLabel, str]] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)

    def add_row(self, name: str | None, title: str, widget: QWidget) -> None:
        caption = QLabel()
        caption.setBuddy(widget)
        self.captions.append((caption, title))
        self.form.addRow(caption, widget)
        if name:
            self.errors.bind(name, widget)

    def retranslate(self) -> None:
        for caption, title in self.captions:
            caption.setText(_(title))

    def first_run(self) -> FirstRunWizard:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard


class WelcomePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.language = QComboBox()
        self.language.setObjectName("first_run_language")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.language.setMaximumWidth(260)
        self.add_row(None, N_("Language:"), self.language)
        self.setup = QRadioButton()
        self.setup.setObjectName("first_run_setup")
        self.setup.setChecked(True)
        self.demo = QRadioButton()
        self.demo.setObjectName("first_run_demo")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.setup)
        self.choice.addButton(self.demo)
        # With the demo the wizard ends here: Finish instead of Next.
        self.demo.toggled.connect(self.setFinalPage)
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        self.demo_note.setStyleSheet("color: #555555; margin-left: 22px;")
        self.form.addRow(QLabel(), self.setup)
        self.form.addRow(QLabel(), self.demo)
        self.form.addRow(QLabel(), self.demo_note)

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Welcome to ReceptionDesk"))
        self.intro.setText(_("ReceptionDesk keeps the citizen reception log, tracks petitions "
                             "through their legal deadlines and records working meetings and "
                             "inspections. First, a few details about your office."))
        self.setup.setText(_("Set up my office (name, level and the first official)"))
        self.demo.setText(_("Open a demo database with sample records, to try the program"))
        self.demo_note.setText(_("The demo fills this empty database with an invented commune "
                                 "office and its records. Use a separate database file for "
                                 "your real work."))

    def nextId(self) -> int:  # noqa: N802 - Qt API
        if self.demo.isChecked():
            return -1
        return LOCATION if self.first_run().ask_location else OFFICE

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self.demo.isChecked():
            return self.first_run().make_demo()
        return True


def _writable(folder: Path) -> bool:
    try:
        return folder.is_dir() and os.access(folder, os.W_OK)
    except OSError:
        return False


def suggested_folders(available: list[drives.Drive] | None = None,
                      system: str | None = None) -> tuple[str, str]:
    """The database and backup folders the wizard suggests: those of a location record
    already there; else a folder on a fixed drive other than the system's, else the
    machine-wide folder (when this account may write it, as after the installer), else the
    account's own data folder; backups on a USB stick or another drive, else beside the
    database."""
    recorded = read_location()
    if recorded is not None and recorded.database_folder is not None:
        database = recorded.database_folder
        backups = recorded.backup_folder or database / "backups"
        return str(database), str(backups)
    available = drives.windows_drives() if available is None else available
    system = drives.system_drive() if system is None else system
    site = site_folder()
    fallback = site if _writable(site) else user_data_folder()
    database = drives.suggest_database_folder(available, system, str(fallback))
    backups = drives.suggest_backup_folder(available, system, database,
                                           str(Path(database) / "backups"))
    return database, backups


class LocationPage(_Page):
    """Where the database and its backups are kept, for every account on this PC."""

    def __init__(self) -> None:
        super().__init__()
        self.database_folder = line()
        self.database_folder.setObjectName("first_run_database_folder")
        self.backup_folder = line()
        self.backup_folder.setObjectName("first_run_backup_folder")
        self.choose_database = QPushButton()
        self.choose_database.clicked.connect(lambda: self._choose(self.database_folder))
        self.choose_backups = QPushButton()
        self.choose_backups.clicked.connect(lambda: self._choose(self.backup_folder))
        self.add_row("database_folder", N_("Database folder:"),
                     self._with_button(self.database_folder, self.choose_database))
        self.add_row("backup_folder", N_("Backup folder:"),
                     self._with_button(self.backup_folder, self.choose_backups))
        self.why = QLabel()
        self.why.setObjectName("first_run_location_why")
        self.why.setWordWrap(True)
        self.why.setStyleSheet("color: #555555;")
        self.same_disk = QLabel()
        self.same_disk.setObjectName("first_run_same_disk")
        self.same_disk.setWordWrap(True)
        self.same_disk.setStyleSheet("color: #8a4b00;")
        self.same_disk.hide()
        self.form.addRow(QLabel(), self.same_disk)
        self.form.addRow(QLabel(), self.why)
        self._suggested = False
        self.database_folder.textChanged.connect(self._check_same_disk)
        self.backup_folder.textChanged.connect(self._check_same_disk)

    def backups_beside_database(self) -> bool:
        """Whether the backups would be on the database's drive (a letter, or a folder
        inside the database's): lost with that disk. Decided from the names only."""
        database = self.database_folder.text().strip()
        backups = self.backup_folder.text().strip()
        if not database or not backups:
            return False
        if drives.same_drive(database, backups):
            return True
        try:
            return Path(backups).is_relative_to(Path(database))
        except ValueError:
            return False

    def _check_same_disk(self) -> None:
        self.same_disk.setVisible(self.backups_beside_database())

    @staticmethod
    def _with_button(edit: QWidget, button: QPushButton) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return box

    def add_row(self, name: str | None, title: str, widget: QWidget) -> None:
        super().add_row(name, title, widget)
        if name:  # the error goes under the row; the edit field takes the focus
            self.errors.widgets[name] = widget.findChild(type(self.database_folder)) or widget

    def _choose(self, edit) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a folder"), edit.text(),
            QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
        if folder:
            edit.setText(str(Path(folder)))

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        if not self._suggested:
            self._suggested = True
            database, backups = suggested_folders()
            self.database_folder.setText(database)
            self.backup_folder.setText(backups)

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Where the data is kept"))
        self.intro.setText(_(
            "The database is kept for every Windows account on this PC: whoever signs in to "
            "Windows opens the same records. Keep it off the system drive (C:) where you "
            "can: reinstalling Windows wipes what is on C:. Keep the backups on a USB stick "
            "or another drive: a backup on the same disk is lost with the disk."))
        self.why.setText(_(
            "A network folder cannot hold the database: two PCs writing to one file can "
            "damage it. To share one database between PCs, use PostgreSQL."))
        self.choose_database.setText(_("Choose…"))
        self.choose_backups.setText(_("Choose…"))
        self.same_disk.setText(_(
            "The backups would be on the same drive as the database: if that disk fails, "
            "both are lost. Plug in a USB stick and choose it, or copy the backups to one "
            "often."))

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return OFFICE

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.first_run().apply_location()


class OfficePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.name = line()
        self.name.setObjectName("first_run_unit_name")
        self.code = line()
        self.code.setObjectName("first_run_unit_code")
        self._code_typed = False
        self.code.textEdited.connect(self._code_edited)
        self.name.textChanged.connect(self._name_changed)
        self.level = combo(choices(Level), Level.COMMUNE.value)
        self.kind = combo(choices(UnitKind), UnitKind.STATE.value)
        self.parent_body_name = line()
        self.place_name = line()
        self.remote_area = check("")
        self.add_row("name", N_("Unit name:"), self.name)
        self.add_row("code", N_("Unit code:"), self.code)
        self.add_row("level", N_("Level:"), self.level)
        self.add_row("kind", N_("Kind of unit:"), self.kind)
        self.add_row("parent_body_name", N_("Parent body:"), self.parent_body_name)
        self.add_row("place_name", N_("Place name on documents:"), self.place_name)
        self.add_row("remote_area", N_("Remote area:"), self.remote_area)

    def _code_edited(self, text: str) -> None:
        self._code_typed = bool(text.strip())

    def _name_changed(self, text: str) -> None:
        if not self._code_typed:  # suggest a code until the user types their own
            self.code.setText(suggest_code(text))

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Your office"))
        self.setSubTitle("")
        self.intro.setText(_("These details head every document the office prints. They can "
                             "be changed later in Settings."))
        self.name.setPlaceholderText(_("e.g. Ủy ban nhân dân xã Tân Lập"))
        self.code.setPlaceholderText(_("a short code, e.g. XA-TAN-LAP"))
        self.parent_body_name.setPlaceholderText(_("e.g. ĐẢNG BỘ TỈNH ĐIỆN BIÊN"))
        self.place_name.setPlaceholderText(
            _("e.g. Tân Lập (printed as \u201cTân Lập, ngày …\u201d)"))
        self.remote_area.setText(_("Remote and difficult area (longer legal time limits)"))
        fill_combo(self.level, choices(Level))
        fill_combo(self.kind, choices(UnitKind))

    def data(self) -> UnitInput:
        return UnitInput(
            code=self.code.text(),
            name=self.name.text(),
            level=self.level.currentData(),
            kind=self.kind.currentData(),
            parent_body_name=self.parent_body_name.text(),
            place_name=self.place_name.text(),
            remote_area=self.remote_area.isChecked(),
        )

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.first_run().check_office()


class OfficialPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.full_name = line()
        self.full_name.setObjectName("first_run_official_name")
        self.position = line()
        self.position.setObjectName("first_run_official_position")
        self.duty_role = combo(choices(DutyRole), DutyRole.COMMITTEE_CHAIRMAN.value)
        self.duty_role.setObjectName("first_run_duty_role")
        self._role_chosen = False
        self.duty_role.activated.connect(self._role_activated)
        self.add_row("full_name", N_("Full name:"), self.full_name)
        self.add_row("position", N_("Position:"), self.position)
        self.add_row("duty_role", N_("Reception duty:"), self.duty_role)

    def _role_activated(self, _index: int) -> None:
        self._role_chosen = True

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        # The head who receives citizens: the Party secretary of a Party committee, the
        # chairman of a People's Committee — unless the user already chose.
        if not self._role_chosen:
            kind = self.first_run().office.kind.currentData()
            role = DutyRole.PARTY_SECRETARY if kind == UnitKind.PARTY else (
                DutyRole.COMMITTEE_CHAIRMAN)
            self.duty_role.setCurrentIndex(self.duty_role.findData(role.value))

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("The first official"))
        self.intro.setText(_("The official who presides reception sessions and signs documents. "
                             "Add the others later in Settings ▸ Officials."))
        self.full_name.setPlaceholderText(_("e.g. Nguyễn Văn An"))
        self.position.setPlaceholderText(_("e.g. Chairman of the commune People's Committee"))
        fill_combo(self.duty_role, choices(DutyRole))

    def data(self) -> OfficialInput:
        return OfficialInput(
            full_name=self.full_name.text(),
            position=self.position.text(),
            duty_role=self.duty_role.currentData(),
        )

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return -1  # the last page (the location page has a higher number)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.first_run().create_office()


class FirstRunWizard(QWizard):
    def __init__(self, db: Database, settings: QSettings | None = None,
                 parent: QWidget | None = None, ask_location: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("first_run")
        self.db = db
        self.settings = settings
        #: ask where the data is kept (the database was not named on the command line)
        self.ask_location = ask_location and db.path is not None
        self.context: AppContext | None = None
        self.welcome = WelcomePage()
        self.location = LocationPage()
        self.office = OfficePage()
        self.official = OfficialPage()
        self.setPage(WELCOME, self.welcome)
        self.setPage(LOCATION, self.location)
        self.setPage(OFFICE, self.office)
        self.setPage(OFFICIAL, self.official)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.welcome.language.currentIndexChanged.connect(
            lambda _i: self.set_language(self.welcome.language.currentData()))
        self.resize(680, 520)
        self.retranslate()

    @property
    def office_errors(self) -> FieldErrors:
        return self.office.errors

    @property
    def official_errors(self) -> FieldErrors:
        return self.official.errors

    def retranslate(self) -> None:
        self.setWindowTitle(_("ReceptionDesk — first start"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< &Back"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Next >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        for page in (self.welcome, self.location, self.office, self.official):
            page.retranslate()

    # --- driving the wizard (the pages call these too) ------------------------

    def set_language(self, lang: str) -> None:
        """Relabel the wizard now and keep the choice for the next start."""
        lang = set_language(lang)
        refresh_qt_translator()  # Qt's own buttons and dialogs follow
        if self.settings is not None:
            self.settings.setValue("ui/language", lang)
            self.settings.sync()
        index = self.welcome.language.findData(lang)
        if index != self.welcome.language.currentIndex():
            self.welcome.language.blockSignals(True)
            self.welcome.language.setCurrentIndex(index)
            self.welcome.language.blockSignals(False)
        self.retranslate()

    def choose_demo(self, demo: bool = True) -> None:
        (self.welcome.demo if demo else self.welcome.setup).setChecked(True)

    def fill_location(self, database_folder: str | Path, backup_folder: str | Path) -> None:
        self.location._suggested = True
        self.location.database_folder.setText(str(database_folder))
        self.location.backup_folder.setText(str(backup_folder))

    def notify(self, message: str, warning: bool = False) -> None:
        """A message the user acknowledges (tests replace it)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
        box.setWindowTitle(_("ReceptionDesk"))
        box.setText(message)
        box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def fill_office(self, name: str, code: str | None = None, level: str = Level.COMMUNE,
                    kind: str = UnitKind.STATE, parent_body_name: str = "",
                    place_name: str = "", remote_area: bool = False) -> None:
        page = self.office
        page.name.setText(name)
        if code is not None:
            page.code.setText(code)
            page._code_typed = bool(code)
        page.level.setCurrentIndex(page.level.findData(str(level)))
        page.kind.setCurrentIndex(page.kind.findData(str(kind)))
        page.parent_body_name.setText(parent_body_name)
        page.place_name.setText(place_name)
        page.remote_area.setChecked(remote_area)

    def fill_official(self, full_name: str, position: str = "",
                      duty_role: str | None = None) -> None:
        page = self.official
        page.full_name.setText(full_name)
        page.position.setText(position)
        if duty_role is not None:
            page.duty_role.setCurrentIndex(page.duty_role.findData(str(duty_role)))
            page._role_chosen = True

    def show_page(self, page_id: int) -> None:
        """Bring the wizard to a page (to show the errors found there)."""
        if self.currentId() == -1:
            self.restart()
        order = [WELCOME, LOCATION, OFFICE, OFFICIAL] if self.ask_location else [
            WELCOME, OFFICE, OFFICIAL]
        while order.index(self.currentId()) > order.index(page_id):
            self.back()
        while order.index(self.currentId()) < order.index(page_id):
            before = self.currentId()
            self.next()
            if self.currentId() == before or self.result():  # refused, or done
                break

    def finish(self) -> AppContext | None:
        """Do what Finish does: the demo, or create the office and its first official.

        Returns the context of the new office, or None with the errors shown at their fields.
        """
        if self.welcome.demo.isChecked():
            ok = self.make_demo()
        else:
            ok = self.check_office() and self.create_office()
            if not ok and self.office_errors_shown():
                self.show_page(OFFICE)
        if ok:
            QDialog.done(self, QDialog.DialogCode.Accepted)
        return self.context

    def office_errors_shown(self) -> bool:
        return any(label.text() for label in self.office.errors.labels.values()) or bool(
            self.office.errors.general.text())

    # --- the work -------------------------------------------------------------

    def apply_location(self) -> bool:
        """Check the chosen folders (off the GUI thread: a drive may not answer), write the
        choice machine-wide (else for this account, saying so), and move to the database
        in the chosen folder. A database with an office found there is opened and the
        wizard ends. False, with the reason at its field, when a folder cannot be used."""
        page = self.location
        page.errors.clear()
        fields = (("database_folder", page.database_folder, N_("Database folder:"), True),
                  ("backup_folder", page.backup_folder, N_("Backup folder:"), False))
        errors: list[FieldError] = []
        for name, edit, caption, database in fields:
            folder, title = edit.text().strip(), _(caption)
            kind, value = wait_for_answer(
                self, folder, lambda f=folder, t=title, d=database: folder_problem(f, t, d),
                backup=not database)
            if kind == "done" and value:
                errors.append(FieldError(name, value))
            elif kind == "timeout":
                errors.append(FieldError(name, _("{field} {reason}").format(
                    field=title, reason=value)))
            elif kind == "error":
                errors.append(FieldError(name, _("{field} {reason}").format(
                    field=title, reason=value)))
        if errors:
            page.errors.show(ValidationError(errors))
            return False
        database_folder = Path(page.database_folder.text().strip()).expanduser()
        backup_folder = Path(page.backup_folder.text().strip()).expanduser()
        try:
            write_location(database_folder, backup_folder, machine_wide=True)
        except OSError as machine_error:
            try:
                record = write_location(database_folder, backup_folder, machine_wide=False)
            except OSError as exc:
                page.errors.show(ServiceError(_(
                    "Where the data is kept could not be saved: {reason}").format(reason=exc)))
                return False
            self.notify(_(
                "The choice could not be saved for every Windows account on this PC "
                "({reason}): it is kept for this account only, in {record}. Other accounts "
                "will not find this database until an administrator runs the installer "
                "(which lets every account write to {folder}) and chooses the same folder "
                "again.").format(reason=machine_error.strerror or machine_error,
                                 record=record, folder=site_folder()), warning=True)
        if self.settings is not None:  # the machine's backup folder, not an older one's
            self.settings.remove("backup/folder")
            self.settings.sync()
        return self._open_chosen(database_folder / DB_FILE)

    def _open_chosen(self, path: Path) -> bool:
        current = self.db.path
        if current is not None and current.resolve() == path.resolve():
            return True
        try:
            chosen = open_database(None, sqlite_url(path))
        except DatabaseError as exc:
            self.location.errors.show(ServiceError(str(exc)))
            return False
        self.db.close()
        self.db = chosen
        from .context import open_context

        found = open_context(chosen)
        if found is None:
            return True
        self.context = found
        self.notify(_("The folder {folder} already holds this office's database; "
                      "ReceptionDesk opens it.").format(folder=path.parent))
        QDialog.done(self, QDialog.DialogCode.Accepted)
        return False

    def check_office(self) -> bool:
        """Check the office's details with the service, writing nothing."""
        self.office.errors.clear()
        session = self.db.sessions()
        try:
            create_unit(session, self.office.data(), home=True)
        except ServiceError as exc:
            self.office.errors.show(exc)
            return False
        finally:
            session.rollback()
            session.close()
        return True

    def create_office(self) -> bool:
        """Create the home unit and its first official in one transaction."""
        if self.context is not None:
            return True
        self.office.errors.clear()
        self.official.errors.clear()
        try:
            with self.db.session() as s:
                try:
                    unit = create_unit(s, self.office.data(), home=True)
                except ValidationError as exc:
                    self.office.errors.show(exc)
                    raise
                official = create_official(s, unit.id, self.official.data())
                unit_id, official_id = unit.id, official.id
        except ServiceError as exc:
            if not self.office_errors_shown():
                self.official.errors.show(exc)
            return False
        self.context = AppContext(self.db, unit_id, official_id=official_id)
        return True

    def make_demo(self) -> bool:
        """Fill the empty database with demo records, off the GUI thread."""
        if self.context is not None:
            return True
        try:
            from ..demo import generate_demo
        except ImportError:
            show_error(self, _("The demo database is not available in this version."))
            return False
        progress = QProgressDialog(self)
        progress.setWindowTitle(_("ReceptionDesk"))
        progress.setLabelText(_("Making the demo database… This takes a moment."))
        progress.setRange(0, 100)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()
        # The generator reports from the worker thread; the signal carries it to the dialog.
        steps = _Steps()
        steps.step.connect(lambda text, part: (progress.setLabelText(text),
                                               progress.setValue(int(part * 100))))
        loop = QEventLoop(self)
        outcome: dict[str, object] = {}
        db = self.db

        def done(_result: object) -> None:
            outcome["ok"] = True
            loop.quit()

        def failed(exc: Exception) -> None:
            outcome["error"] = exc
            loop.quit()

        run_in_background(
            lambda: generate_demo(db, scale=DEMO_SCALE, progress=steps.step.emit), done, failed)
        loop.exec()
        progress.close()
        progress.deleteLater()
        if "error" in outcome:
            show_error(self, _("The demo database could not be made: {reason}").format(
                reason=outcome["error"]))
            return False
        from .context import open_context

        self.context = open_context(self.db)
        if self.context is None:
            show_error(self, _("The demo database has no office."))
            return False
        return True


def run_first_run(db: Database, settings: QSettings | None, ask_location: bool = False
                  ) -> tuple[Database, AppContext | None]:
    """Ask for the office (or make a demo); (db, None) when the user cancels. The database
    returned is the one of the folder chosen when the wizard asked where to keep it."""
    wizard = FirstRunWizard(db, settings, ask_location=ask_location)
    if wizard.exec() and wizard.context is not None:
        return wizard.db, wizard.context
    return wizard.db, None
