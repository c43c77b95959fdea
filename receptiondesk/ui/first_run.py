"""The first run: a short wizard that asks the language, the office and its first official,
or fills the empty database with demo records to try the program.

The wizard can be driven without ``exec()`` (tests): :meth:`FirstRunWizard.set_language`,
:meth:`~FirstRunWizard.choose_demo`, :meth:`~FirstRunWizard.fill_office`,
:meth:`~FirstRunWizard.fill_official` and :meth:`~FirstRunWizard.finish`.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..db import Database
from ..i18n import N_, _, current_language, set_language
from ..model.codes import DutyRole, Level, UnitKind, choices
from ..services.errors import ServiceError, ValidationError
from ..services.units import OfficialInput, UnitInput, create_official, create_unit
from ..text import fold
from .context import AppContext
from .forms import FieldErrors, check, combo, fill_combo, line, show_error
from .qt_translation import refresh_qt_translator
from .worker import run_in_background

WELCOME, OFFICE, OFFICIAL = 0, 1, 2
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
        return -1 if self.demo.isChecked() else OFFICE

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self.demo.isChecked():
            return self.first_run().make_demo()
        return True


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

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.first_run().create_office()


class FirstRunWizard(QWizard):
    def __init__(self, db: Database, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run")
        self.db = db
        self.settings = settings
        self.context: AppContext | None = None
        self.welcome = WelcomePage()
        self.office = OfficePage()
        self.official = OfficialPage()
        self.setPage(WELCOME, self.welcome)
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
        for page in (self.welcome, self.office, self.official):
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
        while self.currentId() > page_id:
            self.back()
        while self.currentId() < page_id:
            before = self.currentId()
            self.next()
            if self.currentId() == before:  # the page refused to be left
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
        from .app import open_context

        self.context = open_context(self.db)
        if self.context is None:
            show_error(self, _("The demo database has no office."))
            return False
        return True


def run_first_run(db: Database, settings: QSettings | None) -> tuple[Database, AppContext | None]:
    """Ask for the office (or make a demo); (db, None) when the user cancels."""
    wizard = FirstRunWizard(db, settings)
    if wizard.exec() and wizard.context is not None:
        return db, wizard.context
    return db, None
