"""Form helpers: labelled fields, errors shown next to the field they concern,
Enter saves and Esc cancels, and a question before unsaved changes are lost."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _, pgettext
from ..services.errors import ChangedByAnotherUser, ServiceError, ValidationError

ERROR_STYLE = "color: #b00020;"


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A date field that is one Tab stop: Tab leaves it instead of walking through the
    day, the month and the year (typing two digits or "/" moves to the next part)."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_)


class TimeEdit(QTimeEdit):
    """A time field that is one Tab stop (typing two digits or ":" moves to the minutes)."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_)


def date_edit(value: date | None = None) -> QDateEdit:
    """A date field typed as DD/MM/YYYY with a calendar drop-down."""
    edit = DateEdit(to_qdate(value))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def time_edit(value: time | None = None) -> QTimeEdit:
    edit = TimeEdit(QTime(value.hour, value.minute) if value else QTime(8, 0))
    edit.setDisplayFormat("HH:mm")
    return edit


def open_on_enter(view: QAbstractItemView, slot) -> None:
    """Enter (or Return) on a row of ``view`` calls ``slot`` as a double click does; in a
    form the key then opens the row instead of saving the form."""
    def run() -> None:
        if view.currentIndex().isValid():
            slot()

    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(run)


def combo(choices: list[tuple[str, str]], current: str | None = None,
          blank: str | None = None) -> QComboBox:
    """A drop-down of (code, label) pairs; ``blank`` adds an empty first entry."""
    box = QComboBox()
    fill_combo(box, choices, current, blank)
    return box


def fill_combo(box: QComboBox, choices: list[tuple[str, str]], current: str | None = None,
               blank: str | None = None) -> None:
    keep = current if current is not None else box.currentData()
    box.blockSignals(True)
    box.clear()
    if blank is not None:
        box.addItem(blank, None)
    for code, text in choices:
        box.addItem(text, code)
    index = box.findData(keep)
    box.setCurrentIndex(max(index, 0))
    box.blockSignals(False)


#: what the window manager adds around a window: borders, and the title bar above
WINDOW_FRAME = (16, 40)


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window that would not fit the screen's free area (a form laid out for a
    wide screen, opened on a 1024×768 one), down to its minimum size at most."""
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    width = min(window.width(), max(room.width() - WINDOW_FRAME[0], least.width()))
    height = min(window.height(), max(room.height() - WINDOW_FRAME[1], least.height()))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)


def compact(box: QComboBox, chars: int) -> QComboBox:
    """A drop-down as wide as ``chars`` letters whatever its entries (its list still shows
    them whole), so that a bar of filters fits beside the navigation at 1024 px."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)
    return box


class FieldErrors:
    """Maps service field names to widgets and shows each error under its field."""

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.general = QLabel()
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()

    def bind(self, name: str, widget: QWidget) -> None:
        self.widgets[name] = widget
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        label.setObjectName(f"error_{name}")
        self.labels[name] = label
        row = self._row_of(widget)
        if row is not None:
            self.form.insertRow(row + 1, "", label)

    def _row_of(self, widget: QWidget) -> int | None:
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is not None and (item.widget() is widget or (
                    item.layout() is not None and _layout_has(item.layout(), widget))):
                return row
        return None

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()
        self.general.clear()
        self.general.hide()

    def show(self, error: ServiceError) -> None:
        """Put each message next to its field; the rest above the buttons."""
        self.clear()
        if isinstance(error, ValidationError):
            rest = []
            first = None
            for e in error.errors:
                label = self.labels.get(e.field)
                if label is None:
                    rest.append(e.message)
                    continue
                label.setText(e.message)
                label.show()
                first = first or self.widgets[e.field]
            if rest:
                self.general.setText("\n".join(rest))
                self.general.show()
            if first is not None:
                first.setFocus()
        else:
            self.general.setText(str(error))
            self.general.show()

    def message_for(self, name: str) -> str:
        label = self.labels.get(name)
        return label.text() if label is not None and label.isVisible() else ""


def _first_focusable(item) -> QWidget | None:
    """The first visible, enabled widget of a form row (a widget or a layout) that takes
    focus from the keyboard."""
    widget = item.widget()
    if widget is not None:
        if widget.isHidden() or not widget.isEnabled():
            return None
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return widget
        proxy = widget.focusProxy()
        if proxy is not None:
            return proxy
        for child in widget.findChildren(QWidget):
            if child.focusPolicy() & Qt.FocusPolicy.TabFocus and not child.isHidden() \
                    and child.isEnabled():
                return child
        return None
    layout = item.layout()
    if layout is not None:
        for i in range(layout.count()):
            found = _first_focusable(layout.itemAt(i))
            if found is not None:
                return found
    return None


def _layout_has(layout, widget: QWidget) -> bool:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget:
            return True
    return False


class RecordDialog(QDialog):
    """A modal form: subclasses fill ``self.form`` and implement :meth:`save`.

    The cursor starts in the first field; Enter saves (Ctrl+Enter inside multi-line
    text, where Enter starts a new line; Space presses a focused button); Esc cancels,
    asking first when something was typed; errors from the service are shown at their
    fields.
    """

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        # Default once the box belongs to the dialog (before, the dialog never learns it).
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        self._focused_once = False
        #: signed: the form shows the record and cannot save it (make_read_only)
        self.read_only = False
        self._dirty = False
        self.result_id: str | None = None
        #: the version of the record the form shows (optimistic locking); None: a new record
        self.loaded_version: int | None = None
        #: someone else saved the record while this form was open (the caller may refresh)
        self.conflicted = False

    def watch(self, *widgets: QWidget) -> None:
        """Mark the form dirty when any of these widgets is edited."""
        for w in widgets:
            for signal in ("textChanged", "currentIndexChanged", "dateChanged", "timeChanged",
                           "valueChanged", "toggled"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(self._mark_dirty)
                    break

    def _mark_dirty(self, *_args) -> None:
        self._dirty = True

    def is_dirty(self) -> bool:
        return self._dirty

    def save(self) -> str | None:
        """Write through the services; return the record id. Raise ServiceError to refuse."""
        raise NotImplementedError

    def reopened(self) -> RecordDialog | None:
        """A new form on the record as stored now (None: this form cannot reload)."""
        return None

    #: record kinds announced on ``data_changed`` once an off-thread save committed
    saved_kinds: tuple = ()

    def collect(self) -> object:
        """On the GUI thread: read the widgets into the input handed to :meth:`write`.
        May raise ServiceError to refuse before anything is written."""
        raise NotImplementedError

    def write(self, session, data) -> str | None:
        """On a worker thread, in a writing unit of work: write ``data`` through the
        services and return the record id. Touches no widget. Raise ServiceError to
        refuse. A form that implements it saves off the GUI thread; one that does not
        saves through :meth:`save`."""
        raise NotImplementedError

    def saves_off_thread(self) -> bool:
        return type(self).write is not RecordDialog.write

    def is_saving(self) -> bool:
        return getattr(self, "_saving", False)

    def try_save(self) -> None:
        if self.is_saving():
            return  # one save at a time: Enter pressed twice does not write twice
        self.errors.clear()
        if self.saves_off_thread():
            self._save_off_thread()
            return
        try:
            self.result_id = self.save()
        except ServiceError as exc:
            self._show_refusal(exc)
            return
        self._finish_save(self.result_id)

    def _save_off_thread(self) -> None:
        from . import ops

        try:
            data = self.collect()
        except ServiceError as exc:
            self._show_refusal(exc)
            return
        ctx = self.ctx  # type: ignore[attr-defined]  # every converted form has one
        self._set_saving(True)
        write = self.write

        def done(record_id: str | None) -> None:
            self._set_saving(False)
            self._finish_save(record_id)

        def failed(exc: Exception) -> None:
            self._set_saving(False)
            if isinstance(exc, ServiceError):
                self._show_refusal(exc)
            else:
                ops.report_error(self, exc)

        ops.write(self, ctx.db, lambda s: write(s, data), done, changed=self.saved_kinds,
                  signals=ctx.signals, key="save", failure=failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if button is not None and not self.read_only:
            button.setEnabled(not saving)

    def _show_refusal(self, exc: ServiceError) -> None:
        """A refusal from the services, shown at its field; a conflict offers a reload."""
        self.errors.show(exc)  # stays in the form, above what the user typed
        self.make_room()
        if isinstance(exc, ChangedByAnotherUser):
            self.conflicted = True
            self._offer_reload(exc)

    def _finish_save(self, record_id: str | None) -> None:
        self.result_id = record_id
        self._dirty = False
        self.accept()

    def make_room(self) -> None:
        """Grow to show the messages just put under the fields, so that no field and
        neither button is squeezed or pushed off the form (within the screen)."""
        layout = self.layout()
        layout.activate()
        width = self.width()
        need = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                else layout.totalSizeHint().height())
        screen = self.screen()
        if screen is not None:
            need = min(need, screen.availableGeometry().height() - 40)  # the title bar
        if need > self.height():
            self.resize(width, need)

    def _offer_reload(self, error: ChangedByAnotherUser) -> None:
        """Ask: reload the current version (the typed text is dropped), or keep editing
        with the typed text still in the form (to copy it before reloading)."""
        fresh_allowed = type(self).reopened is not RecordDialog.reopened
        if not ask_reload(self, error, fresh_allowed):
            return
        fresh = self.reopened()
        if fresh is None:
            return
        self.hide()
        accepted = fresh.exec() == QDialog.DialogCode.Accepted
        self.result_id = fresh.result_id if accepted else None
        self._dirty = False
        self.done(QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected)

    def reject(self) -> None:
        if self._dirty and not confirm_discard(self):
            return
        super().reject()

    def make_read_only(self, banner: str) -> None:
        """Show the record without letting it change (signed minutes lock it): every field
        read-only, no Save, the reason and the way to correct it above the fields."""
        self.read_only = True
        note = QLabel(banner)
        note.setObjectName("read_only_banner")
        note.setWordWrap(True)
        note.setStyleSheet("background: #fff4ce; border: 1px solid #e0c060; padding: 6px;")
        self.layout().insertWidget(0, note)
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
                widget.setReadOnly(True)
            elif isinstance(widget, (QComboBox, QCheckBox, QDateEdit, QTimeEdit, QSpinBox)):
                widget.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText(pgettext("button", "Close"))
        self._dirty = False

    def _retranslate_banner(self) -> None:
        """The read-only banner in the new language (forms that have one give
        ``_signed_banner``)."""
        banner = self.findChild(QLabel, "read_only_banner")
        if banner is not None and hasattr(self, "_signed_banner"):
            banner.setText(self._signed_banner())
        if self.read_only:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
                pgettext("button", "Close"))

    def first_field(self) -> QWidget | None:
        """The field the cursor starts in: the first one of the form that takes focus."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is None:
                item = self.form.itemAt(row, QFormLayout.ItemRole.SpanningRole)
            widget = _first_focusable(item) if item is not None else None
            if widget is not None:
                return widget
        return None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            fit_to_screen(self)
            for button in self.findChildren(QPushButton):
                # Enter saves the form, whichever button was pressed last (Space presses
                # a focused button), so no other button may become the default.
                if button is not self.buttons.button(QDialogButtonBox.StandardButton.Save):
                    button.setAutoDefault(False)
            first = self.first_field()
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        focus = self.focusWidget()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if isinstance(focus, (QPlainTextEdit, QTextEdit)) and not ctrl:
            return  # Enter in a multi-line field adds a line; Ctrl+Enter saves
        if isinstance(focus, QAbstractItemView) and not ctrl:
            return  # the list opened its row (open_on_enter)
        if isinstance(focus, QAbstractButton) and focus in self.buttons.buttons() \
                and self.buttons.buttonRole(focus) != QDialogButtonBox.ButtonRole.AcceptRole:
            focus.click()  # Enter on a focused Cancel cancels
            return
        if self.read_only:
            self.reject()  # nothing to save: Enter closes
            return
        self.try_save()


def confirm_discard(parent: QWidget) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Unsaved changes"))
    box.setText(_("This form has changes that are not saved. Discard them?"))
    discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is discard


def ask_reload(parent: QWidget, error: ChangedByAnotherUser, can_reload: bool = True) -> bool:
    """Tell that someone else saved the record; True when the user chose to reload."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Changed by another user"))
    box.setText(str(error))
    reload = None
    if can_reload:
        box.setInformativeText(_("Keep my text leaves the form open with what you typed, so "
                                 "that you can copy it before reloading."))
        reload = box.addButton(_("Reload"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Keep my text"), QMessageBox.ButtonRole.RejectRole)
    else:
        box.setInformativeText(_("Close the form and open the record again to see the "
                                 "current version; copy what you typed first if you need it."))
        box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
    return reload is not None and box.clickedButton() is reload


def show_error(parent: QWidget, error: Exception | str, title: str | None = None) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or _("ReceptionDesk"))
    box.setText(str(error))
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def text_edit(value: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * (lines + 1) + 10)
    return edit


def line(value: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def spin(value: int = 0, minimum: int = 0, maximum: int = 100000) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def check(text: str, value: bool = False) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(value)
    return box
