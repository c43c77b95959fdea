"""The petition tracker: every petition with its next deadline, filters, and the detail
view (``petition_detail``) offering exactly the steps the lifecycle allows next; the
list's columns and rows are in ``petition_rows``."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_number, ngettext
from ..model.codes import PetitionType, Status, choices
from ..rules import lifecycle
from ..services import petitions, protection, reference
from ..services.protection import note_identity_views
from ..services.record_kinds import RecordKind
from . import ops
from .context import AppContext
from .forms import RecordDialog, fill_combo
from .page import Page
from .paged import PagedTableModel, Row
from .petition_detail import PetitionDetail
from .petition_forms import PetitionDialog, field_names, make_step_dialog
from .petition_rows import (
    COLUMNS,
    DUE_WITHIN_DAYS,
    FLEXIBLE,
    OPEN,
    WIDTHS,
    petition_row,
    refusal_message,
)
from .widgets.choices import official_choices
from .widgets.period_filter import PeriodFilter
from .widgets.search_box import SearchBox
from .widgets.tables import enable_sorting, fit_headers, select_row_of, setup_table
from .widgets.texts import Texts

# --- the page ----------------------------------------------------------------------------------


#: kinds of record whose change reloads the petitions list and the petition shown
REFRESH_ON = frozenset((RecordKind.PETITION, RecordKind.VISIT, RecordKind.CITIZEN,
                        RecordKind.SETTINGS, RecordKind.OFFICIAL, RecordKind.UNIT))


class PetitionsPage(Texts, Page):
    name = "petitions"
    new_permission = petitions.STEP_PERMISSIONS["register"]
    title = N_("Petitions")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._unit_ids = ctx.unit_ids()
        self.current_id: str | None = None
        self._build()
        ctx.signals.data_changed.connect(self._on_data_changed)
        self.retranslate()
        enable_sorting(self.table, 1, Qt.SortOrder.DescendingOrder)
        self._update_count()

    # --- construction -----------------------------------------------------------------

    def _build(self) -> None:
        self.new_button = QPushButton()
        self.new_button.setObjectName("new_petition")
        self.new_button.clicked.connect(self.new_record)
        self.guard_new(self.new_button)
        self.t(self.new_button.setText, N_("New petition…"))
        self.search = SearchBox()
        self.search.search_changed.connect(lambda _t: self.reload())
        self.count_label = QLabel()
        self.count_label.setObjectName("petition_count")
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)

        self.type_filter = QComboBox()
        self.field_filter = QComboBox()
        self.status_filter = QComboBox()
        self.official_filter = QComboBox()
        for box in (self.type_filter, self.field_filter, self.status_filter,
                    self.official_filter):
            box.setMinimumContentsLength(8)  # four in a row at 1024 px; the list shows all
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period = PeriodFilter()
        self.period.changed.connect(self.reload)
        self.overdue_check = QCheckBox()
        self.overdue_check.setObjectName("overdue_only")
        self.due_soon_check = QCheckBox()
        self.due_soon_check.setObjectName("due_soon_only")
        self.hot_check = QCheckBox()
        self.hot_check.setObjectName("hot_only")
        for box in (self.overdue_check, self.due_soon_check, self.hot_check):
            box.toggled.connect(lambda _on: self.reload())
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_filters)
        self.t(self.overdue_check.setText, N_("Overdue only"))
        self.t(self.due_soon_check.setText, N_("Due within 7 days"))
        self.t(self.hot_check.setText, N_("Hot only"))
        self.t(self.clear_button.setText, N_("Clear filters"))

        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        captions = ((N_("Type"), self.type_filter), (N_("Field"), self.field_filter),
                    (N_("Status"), self.status_filter), (N_("Official"), self.official_filter))
        for i, (msgid, box) in enumerate(captions):
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setBuddy(box)
            filters.addWidget(cap, 0, 2 * i)
            filters.addWidget(box, 0, 2 * i + 1)
            filters.setColumnStretch(2 * i + 1, 1)
        period_cap = QLabel()
        self.t(period_cap.setText, N_("Date received"))
        period_cap.setBuddy(self.period.combo)
        checks = QHBoxLayout()
        checks.addWidget(self.period)
        checks.addSpacing(12)
        for w in (self.overdue_check, self.due_soon_check, self.hot_check):
            checks.addWidget(w)
        checks.addStretch(1)
        checks.addWidget(self.clear_button)
        filters.addWidget(period_cap, 1, 0)
        filters.addLayout(checks, 1, 1, 1, 7)

        self.model = PagedTableModel(COLUMNS, None, self, plan=self._plan, db=self.ctx.db)
        self.model.loaded.connect(self._page_loaded)
        self._after_page = None
        self.table = QTableView()
        self.table.setObjectName("petition_list")
        setup_table(self.table, self.model, WIDTHS, flexible=FLEXIBLE)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail = PetitionDetail(self.ctx)
        self.detail.action_requested.connect(self.run_action)
        # The list keeps the full width (every column readable at 1366×768); the
        # selected petition opens below it.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([280, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

    def retranslate(self) -> None:
        self.apply_texts()
        self.search.setPlaceholderText(
            _("Search by reference, petitioner, ID number or content (accents optional)"))
        self.hot_check.setToolTip(
            _("Delegations, long-running, beyond the competent level, many signers"))
        with self.ctx.db.session() as s:
            fill_combo(self.field_filter, reference.field_choices(s), blank=_("All fields"))
            fill_combo(self.official_filter, official_choices(s, self._unit_ids),
                       blank=_("All officials"))
        fill_combo(self.type_filter, choices(PetitionType), blank=_("All types"))
        fill_combo(self.status_filter, [(OPEN, _("Open (not yet resolved)"))]
                   + choices(Status), blank=_("All statuses"))
        self.period.retranslate()
        self.detail.retranslate()
        self.model.retranslate()
        fit_headers(self.table, WIDTHS)
        # the usual types whole in either language ("Recommendation" was cut at 1024 px;
        # the rare mixed one may be shortened); the field and the petitioner give up the
        # width
        metrics = self.table.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for code, text in choices(PetitionType)
                     if code != PetitionType.MIXED)
        self.table.setColumnWidth(2, max(self.table.columnWidth(2), widest + 14))
        if self.model.loaded_count():
            self.reload()

    # --- the list ---------------------------------------------------------------------

    def current_filter(self) -> petitions.PetitionFilter:
        start, end = self.period.range()
        status = self.status_filter.currentData()
        f = petitions.PetitionFilter(
            unit_ids=self._unit_ids,
            query=self.search.text(),
            types=[self.type_filter.currentData()] if self.type_filter.currentData() else [],
            fields=[self.field_filter.currentData()] if self.field_filter.currentData() else [],
            statuses=[status] if status and status != OPEN else [],
            open_only=status == OPEN,
            official_id=self.official_filter.currentData(),
            received_from=start,
            received_to=end,
            hot=self.hot_check.isChecked(),
        )
        if self.due_soon_check.isChecked():
            f.overdue_on, f.due_within = date.today(), DUE_WITHIN_DAYS
        elif self.overdue_check.isChecked():
            f.overdue_on = date.today()
        return f

    def _plan(self, offset: int, limit: int, sort: str | None, descending: bool):
        f = self.current_filter()
        today = date.today()

        def read(s) -> list[Row]:
            names = field_names(s)
            rows = petitions.list_petitions(s, f, sort or "received", descending, offset, limit)
            note_identity_views(s, "petition", rows, "petition list")
            shield = protection.shield(s)
            return [petition_row(p, today, names, shield) for p in rows]

        return read

    def reload(self) -> None:
        """Fetch the first page again (a filter or the data changed), keeping the selection
        once the rows are in."""
        self.model.reload()
        self._after_page = lambda: select_row_of(self.table, self.model, self.current_id)
        if not self.model.is_loading():
            self._page_loaded()
        self._update_count()

    def _page_loaded(self) -> None:
        fn, self._after_page = self._after_page, None
        if fn is not None:
            fn()

    def _update_count(self) -> None:
        f = self.current_filter()

        def show(n: int) -> None:
            self.count_label.setText(ngettext("{count} petition", "{count} petitions",
                                              n).format(count=format_number(n)))

        ops.query(self, self.ctx.db, lambda s: petitions.count_petitions(s, f), show,
                  key="count", failure=lambda _exc: self.count_label.clear())

    def clear_filters(self) -> None:
        widgets = (self.type_filter, self.field_filter, self.status_filter,
                   self.official_filter, self.overdue_check, self.due_soon_check,
                   self.hot_check, self.search, self.period.combo)
        for w in widgets:
            w.blockSignals(True)
        for box in (self.type_filter, self.field_filter, self.status_filter,
                    self.official_filter, self.period.combo):
            box.setCurrentIndex(0)
        for box in (self.overdue_check, self.due_soon_check, self.hot_check):
            box.setChecked(False)
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.period._show_dates()
        self.reload()

    def _on_current(self, current, _previous) -> None:
        petition_id = self.model.id_at(current.row()) if current.isValid() else None
        if petition_id and petition_id != self.current_id:
            self.show_petition(petition_id)

    def show_petition(self, petition_id: str | None) -> None:
        self.current_id = petition_id
        self.detail.show_petition(petition_id)

    def select_petition(self, petition_id: str) -> None:
        """Select the petition in the list (when loaded) and show it."""
        select_row_of(self.table, self.model, petition_id)
        self.show_petition(petition_id)

    def _on_data_changed(self, kind: str) -> None:
        if kind in REFRESH_ON:
            self.refresh()

    # --- Page API ----------------------------------------------------------------------

    def activate(self) -> None:
        if not self.model.loaded_count():
            self.reload()

    def refresh(self) -> None:
        self._unit_ids = self.ctx.unit_ids()
        self.reload()
        self.detail.reload()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        if not self.may_create():
            return
        dialog = self.make_petition_dialog()
        if self.exec_dialog(dialog) and dialog.result_id:
            self.current_id = dialog.result_id
            self._saved(_("The petition was registered."))
            self.select_petition(dialog.result_id)

    def open_record(self, kind: str, record_id: str) -> bool:
        if kind != "petition":
            return False
        self.select_petition(record_id)
        return True

    # --- dialogs and steps ---------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Show a modal dialog; True when it was saved (tests replace this to drive it)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def make_petition_dialog(self, petition_id: str | None = None) -> PetitionDialog:
        return PetitionDialog(self.ctx, petition_id, self)

    def make_action_dialog(self, code: str) -> RecordDialog:
        assert self.current_id is not None
        version = self.detail.view.version if self.detail.view is not None else None
        return make_step_dialog(self.ctx, code, self.current_id, self, version=version)

    def run_action(self, code: str) -> bool:
        """Open the dialog of a step for the petition shown; True when it was saved.

        A lifecycle step the petition's status does not allow is refused here with the
        service's own message, before any dialog opens.
        """
        if self.current_id is None or self.detail.view is None:
            return False
        status = self.detail.view.status
        refused = self.detail.view.refused.get(code)
        if refused or (code in lifecycle.ACTIONS and not lifecycle.can(status, code)):
            message = refused or refusal_message(code, status)
            self.detail.show_message(message)
            self.ctx.signals.status_message.emit(message)
            return False
        dialog = self.make_action_dialog(code)
        if not self.exec_dialog(dialog):
            if getattr(dialog, "conflicted", False):  # someone else saved: show theirs
                self.show_petition(self.current_id)
            return False
        self._saved(_("Saved: {step}").format(step=dialog.windowTitle()))
        return True

    def _saved(self, message: str) -> None:
        self.ctx.signals.data_changed.emit(RecordKind.PETITION)
        self.ctx.signals.status_message.emit(message)
