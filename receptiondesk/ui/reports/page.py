"""The Reports page: choose a document, its subject or period and its language, and read
the request; what it can produce is in ``documents``, and the page is put together from
the parts in ``jobs`` (background work, messages, preview), ``print_and_save``,
``minutes_panel``, ``narrative`` and ``unit_figures``.

Documents are produced by the Qt-free back end (``receptiondesk.documents`` and
``receptiondesk.reports``) off the GUI thread into a temporary PDF that the preview
shows; printing and saving use that same file, so what is printed is what was seen.

The periodic report is made for any unit of the office's tree (chosen in a list indented
by level), and its figures by unit are shown in a tab of their own, where a double click
on a unit reports on that unit (a drill-down).
"""

from __future__ import annotations

import tempfile
import threading
from datetime import date, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_, _, current_language, format_date, pgettext
from ...reports.periods import Period
from ...services.errors import ServiceError, ValidationError
from ...services.record_kinds import RecordKind
from .. import ops
from ..context import AppContext
from ..first_run import LANGUAGE_NAMES
from ..forms import FieldErrors, date_edit, fill_combo, from_qdate, line, text_edit, time_edit
from ..page import Page
from ..report_forms import PdfPreview, PeriodPicker, SubjectPicker
from ..widgets.choices import official_choices
from .documents import (
    DOCUMENT_BY_CODE,
    DOCUMENTS,
    MINUTES_SUBJECTS,
    SUBJECT_MISSING,
    SUBJECT_TITLES,
    DocumentKind,
    Produced,
    ReceiptOptions,
    Request,
    SlipOptions,
)
from .jobs import BackgroundJobs
from .minutes_panel import MinutesPanel
from .narrative import NarrativePanel
from .print_and_save import PrintAndSave
from .unit_figures import UnitFiguresPanel

# --- the page ------------------------------------------------------------------------------


class ReportsPage(MinutesPanel, NarrativePanel, UnitFiguresPanel, PrintAndSave, BackgroundJobs,
                  Page):
    name = "reports"
    title = N_("Reports")

    #: a preview was loaded: the temporary PDF's path
    preview_ready = Signal(str)
    #: a background job ended (successfully or not)
    job_finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._tmp = tempfile.TemporaryDirectory(prefix="receptiondesk-preview-")
        self._serial = 0
        self._job: object | None = None
        self._cancel_event: threading.Event | None = None
        self._progress: QProgressDialog | None = None
        self._stale = True
        self._changes = 0  # counts changes of the choices, to know if a preview is current
        self._lang_chosen = False
        self._report_cache: dict[tuple, Any] = {}
        self._narrative_period: str | None = None
        #: the unit the narrative was written for
        self._narrative_unit: str | None = None
        self._narrative_edited = False
        #: a unit chosen before the list of units arrived (set_report_unit)
        self._wanted_unit: str | None = None
        self._minutes_ids: list[str] = []
        self.last_produced: Produced | None = None
        #: the last periodic report computed (its figures by unit are in their tab)
        self.last_report: Any = None
        self._build()
        self.retranslate()
        self._on_document()
        ctx.signals.data_changed.connect(self._on_data_changed)

    # --- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("reports_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.heading)
        left_layout.addLayout(self._build_choice())
        for group in (self._build_subject(), self._build_period(), self._build_slip(),
                      self._build_receipt(), self._build_minutes()):
            left_layout.addWidget(group)
        left_layout.addStretch(1)
        self.options_layout = left_layout
        scroll = QScrollArea()
        scroll.setObjectName("report_options")
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        column = QWidget()
        column.setMinimumWidth(400)
        column.setMaximumWidth(520)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(scroll, 1)
        column_layout.addWidget(self._build_message())
        column_layout.addLayout(self._build_actions())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_tabs")
        self.preview = PdfPreview()
        self.tabs.addTab(self.preview, "")
        self.tabs.addTab(self._build_narrative(), "")
        self.tabs.addTab(self._build_unit_figures(), "")
        splitter = QSplitter()
        splitter.addWidget(column)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([430, 900])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 4)
        outer.addWidget(splitter, 1)

    def _build_choice(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.document = QComboBox()
        self.document.setObjectName("document_kind")
        self.language = QComboBox()
        self.language.setObjectName("document_language")
        self.report_unit = QComboBox()
        self.report_unit.setObjectName("report_unit")
        self.report_unit.currentIndexChanged.connect(lambda _i: self._on_report_unit())
        self.document_label, self.language_label = QLabel(), QLabel()
        self.report_unit_label = QLabel()
        self.document_label.setBuddy(self.document)
        self.language_label.setBuddy(self.language)
        self.report_unit_label.setBuddy(self.report_unit)
        form.addRow(self.document_label, self.document)
        form.addRow(self.report_unit_label, self.report_unit)
        form.addRow(self.language_label, self.language)
        self.choice_form = form
        self.document.currentIndexChanged.connect(lambda _i: self._on_document())
        # fill_combo blocks signals: only the user's choice arrives here
        self.language.currentIndexChanged.connect(self._on_language_chosen)
        return form

    def _build_subject(self) -> QGroupBox:
        self.subject_group = QGroupBox()
        self.subject = SubjectPicker(self.ctx)
        self.subject.chosen.connect(self._on_subject)
        self.subject.activated.connect(lambda _id: self.preview_document())
        layout = QVBoxLayout(self.subject_group)
        layout.addWidget(self.subject)
        return self.subject_group

    def _build_period(self) -> QGroupBox:
        self.period_group = QGroupBox()
        self.period = PeriodPicker()
        self.period.changed.connect(self._on_period)
        self.narrative_hint = QLabel()
        self.narrative_hint.setObjectName("narrative_hint")
        self.narrative_hint.setWordWrap(True)
        self.narrative_hint.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self.period_group)
        layout.addWidget(self.period)
        layout.addWidget(self.narrative_hint)
        return self.period_group

    def _build_slip(self) -> QGroupBox:
        self.slip_group = QGroupBox()
        form = QFormLayout(self.slip_group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.slip_date = date_edit(date.today())
        self.slip_date.setObjectName("slip_date")
        self.slip_time = time_edit(time(8, 0))
        self.slip_place = line()
        self.slip_reason = text_edit("", lines=2)
        self.slip_official = QComboBox()
        self.slip_number = line()
        self.slip_labels = self._rows(form, [
            (N_("Come back on"), self.slip_date), (N_("At"), self.slip_time),
            (N_("Place"), self.slip_place), (N_("Reason"), self.slip_reason),
            (N_("Received by"), self.slip_official), (N_("Number"), self.slip_number),
        ])
        self.slip_errors = FieldErrors(form)
        self.slip_errors.bind("date", self.slip_date)
        form.addRow(self.slip_errors.general)
        self._watch(self.slip_date, self.slip_time, self.slip_place, self.slip_reason,
                    self.slip_official, self.slip_number)
        return self.slip_group

    def _build_receipt(self) -> QGroupBox:
        self.receipt_group = QGroupBox()
        form = QFormLayout(self.receipt_group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.receipt_documents = text_edit("", lines=4)
        self.receipt_documents.setObjectName("receipt_documents")
        self.receipt_date = date_edit(date.today())
        self.receipt_official = QComboBox()
        self.receipt_number = line()
        self.receipt_labels = self._rows(form, [
            (N_("Documents"), self.receipt_documents), (N_("Received on"), self.receipt_date),
            (N_("Received by"), self.receipt_official), (N_("Number"), self.receipt_number),
        ])
        self.receipt_hint = QLabel()
        self.receipt_hint.setWordWrap(True)
        self.receipt_hint.setStyleSheet("color: #555555;")
        form.insertRow(1, "", self.receipt_hint)
        self.receipt_errors = FieldErrors(form)
        self.receipt_errors.bind("documents", self.receipt_documents)
        form.addRow(self.receipt_errors.general)
        self._watch(self.receipt_documents, self.receipt_date, self.receipt_official,
                    self.receipt_number)
        return self.receipt_group

    def _build_message(self) -> QLabel:
        self.message = QLabel()
        self.message.setObjectName("report_message")
        self.message.setWordWrap(True)
        self.message.hide()
        return self.message

    def _build_actions(self) -> QGridLayout:
        grid = QGridLayout()
        self.preview_button = QPushButton()
        self.preview_button.setDefault(True)
        self.print_button = QPushButton()
        self.save_pdf_button = QPushButton()
        self.save_word_button = QPushButton()
        self.save_excel_button = QPushButton()
        self.fill_template_button = QPushButton()
        for i, (name, button, slot) in enumerate((
            ("preview", self.preview_button, lambda: self.preview_document()),
            ("print", self.print_button, self.print_document),
            ("save_pdf", self.save_pdf_button, self.save_pdf),
            ("save_word", self.save_word_button, self.save_word),
            ("save_excel", self.save_excel_button, self.save_excel),
            ("fill_template", self.fill_template_button, self.fill_template),
        )):
            button.setObjectName(name)
            button.clicked.connect(slot)
            grid.addWidget(button, i // 2, i % 2)
        return grid

    def _rows(self, form: QFormLayout, rows) -> list[tuple[QLabel, str]]:
        labels = []
        for msgid, widget in rows:
            caption = QLabel()
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            labels.append((caption, msgid))
        return labels

    def _watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            for signal in ("textChanged", "currentIndexChanged", "dateChanged", "timeChanged"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(self._mark_stale)
                    break

    # --- texts -------------------------------------------------------------------------

    def retranslate(self) -> None:
        from ...reports.periodic import section_title

        self.heading.setText(_("Reports and documents"))
        fill_combo(self.document, [(d.code, _(d.title)) for d in DOCUMENTS],
                   self.document.currentData() or DOCUMENTS[0].code)
        self._fill_languages()
        self.document_label.setText(pgettext("to print", "Document"))
        self.language_label.setText(_("Language"))
        self.report_unit_label.setText(_("Unit"))
        self.report_unit.setToolTip(_("The unit reported on, with every unit below it"))
        self._fill_report_units()
        self.period_group.setTitle(_("Period"))
        self.slip_group.setTitle(_("Appointment"))
        self.receipt_group.setTitle(_("Documents handed in"))
        self.minutes_group.setTitle(_("Minutes"))
        fill_combo(self.minutes_copy, [
            ("office", _("Office copy (full list)")),
            ("citizens", _("Citizens' signature pages (one per citizen)")),
        ], self.minutes_copy.currentData() or "office")
        self.minutes_copy.setToolTip(_(
            "The office keeps the copy listing every citizen. Each citizen signs a page of "
            "their own, on which no other citizen's name, ID number, address or phone "
            "appears."))
        for caption, msgid in self.slip_labels + self.receipt_labels:
            caption.setText(_(msgid))
        self.receipt_hint.setText(_("One document a line; add the number of copies after a "
                                    "colon, e.g. \u201cApplication: 2\u201d."))
        self.slip_place.setPlaceholderText(_("The office of the unit"))
        self._fill_officials()
        self.mark_printed_button.setText(_("Mark printed"))
        self.mark_signed_button.setText(_("Mark signed…"))
        self.open_signed_button.setText(_("Open signed copy"))
        self.addendum_button.setText(_("Add addendum…"))
        self.preview_button.setText(_("Preview"))
        self.print_button.setText(_("Print…"))
        self.save_pdf_button.setText(_("Save as PDF…"))
        self.save_word_button.setText(_("Save as Word…"))
        self.save_excel_button.setText(_("Save as Excel…"))
        self.fill_template_button.setText(_("Fill the upper level's workbook…"))
        self.fill_template_button.setToolTip(_(
            "Put the report's figures into a workbook sent by the upper level, in the "
            "cells marked like {{petitions.received}}; the rest of it is kept."))
        self.tabs.setTabText(0, _("Print preview"))
        self.tabs.setTabText(1, _("Narrative of the report"))
        self.tabs.setTabText(2, _("Figures by unit"))
        self.unit_figures_note.setText(_(
            "The figures of each unit the report covers, and their total. Double-click a "
            "unit to report on it alone (with the units below it)."))
        self._show_unit_figures()
        self.narrative_intro.setText(_(
            "The report's text, pre-filled from the figures. Complete the parts in square "
            "brackets before printing; Preview prints what is written here."))
        self.fill_button.setText(_("Fill from the figures"))
        self.keeping.retranslate()
        self.narrative_hint.setText(
            _("Complete the narrative in the tab on the right before printing."))
        for key, title in self.narrative_titles.items():
            title.setText(section_title(key))
        self.subject.retranslate()
        self.period.retranslate()
        self.preview.retranslate()
        self._show_subject_title()
        self._show_narrative_note()
        self._show_minutes()
        if self.subject.isVisibleTo(self):
            self.subject.reload()  # dates and kinds in the list are worded again

    def _fill_languages(self) -> None:
        interface = current_language()
        names = dict(LANGUAGE_NAMES)
        keep = self.language.currentData() if self._lang_chosen else interface
        items = [(interface, _("{language} (interface language)").format(
            language=names[interface]))]
        items += [(code, name) for code, name in LANGUAGE_NAMES if code != interface]
        fill_combo(self.language, items, keep)

    def _fill_report_units(self) -> None:
        """The office and every unit below it, indented by level: the tree is read on a
        worker; until it arrives the list holds what it held (at first, nothing: the
        report is the office's)."""
        from ...services.dashboard import unit_tree

        unit_id = self.ctx.unit_id
        ops.query(self, self.ctx.db, lambda s: unit_tree(s, unit_id), self._show_report_units,
                  key="report_units")

    def _show_report_units(self, nodes: list) -> None:
        items = []
        for n in nodes:
            name = n.name if not n.dissolved_on else _("{unit} (until {date})").format(
                unit=n.name, date=format_date(n.dissolved_on))
            items.append((n.id, "\u2003" * n.depth + name))
        current = self._wanted_unit or self.report_unit.currentData() or self.ctx.unit_id
        self._wanted_unit = None
        fill_combo(self.report_unit, items, current)

    def report_unit_id(self) -> str:
        """The unit the periodic report is made for (the office unless another is chosen)."""
        return self.report_unit.currentData() or self.ctx.unit_id

    def set_report_unit(self, unit_id: str) -> bool:
        """Choose the unit reported on; False when it is not in the list. Asked before
        the list arrived, the choice is made when it does (if the unit is in it)."""
        index = self.report_unit.findData(unit_id)
        if index >= 0:
            self.report_unit.setCurrentIndex(index)
        elif self.report_unit.count() == 0 or ops.pending(self):
            self._wanted_unit = unit_id
            return True
        return index >= 0

    def _on_report_unit(self) -> None:
        # A narrative filled from another unit's figures and left as it was is made
        # again from the chosen unit's; one the official edited is kept, with a note.
        if not self._narrative_edited and self._narrative_unit not in (
                None, self.report_unit_id()):
            self._set_narrative({}, None)
        self._mark_stale()
        self._show_unit_figures()
        self._show_narrative_note()
        self.keeping.reload()

    def _fill_officials(self) -> None:
        """The officials who may sign a slip or a receipt, read on a worker."""
        from ...services.units import unit_and_descendants

        unit_id = self.ctx.unit_id

        def read(s) -> list[tuple[str, str]]:
            return official_choices(s, unit_and_descendants(s, unit_id))

        ops.query(self, self.ctx.db, read, self._show_officials, key="officials")

    def _show_officials(self, officials: list[tuple[str, str]]) -> None:
        for box in (self.slip_official, self.receipt_official):
            current = box.currentData() if box.count() else self.ctx.acting_official_id
            fill_combo(box, officials, current, blank=_("(not named)"))

    def _show_subject_title(self) -> None:
        kind = self.kind().subject
        if kind:
            self.subject_group.setTitle(_(SUBJECT_TITLES[kind]))

    # --- choices -------------------------------------------------------------------------

    def kind(self) -> DocumentKind:
        return DOCUMENT_BY_CODE.get(self.document.currentData(), DOCUMENTS[0])

    def set_document(self, code: str) -> None:
        self.document.setCurrentIndex(self.document.findData(code))

    def document_lang(self) -> str:
        """The language chosen for the document ("vi" or "en")."""
        return self.language.currentData() or current_language()

    def _on_document(self) -> None:
        kind = self.kind()
        self.subject_group.setVisible(kind.subject is not None)
        self.period_group.setVisible(kind.period)
        self.slip_group.setVisible(kind.code == "slip")
        self.receipt_group.setVisible(kind.code == "receipt")
        self.minutes_group.setVisible(kind.code in MINUTES_SUBJECTS)
        # a working meeting's minutes have no citizens to sign
        self.minutes_copy.setVisible(kind.code in MINUTES_SUBJECTS
                                     and kind.code != "minutes_meeting")
        self.save_excel_button.setVisible(kind.excel)
        self.tabs.setTabVisible(1, kind.code == "periodic")
        self.tabs.setTabVisible(2, kind.code == "periodic")
        self.choice_form.setRowVisible(self.report_unit, kind.code == "periodic")
        self.narrative_hint.setVisible(kind.code == "periodic")
        # the subject list takes the height there is; otherwise the options sit at the top
        layout = self.options_layout
        layout.setStretch(layout.indexOf(self.subject_group), 1 if kind.subject else 0)
        layout.setStretch(layout.count() - 1, 0 if kind.subject else 1)
        self._show_subject_title()
        if kind.subject:
            self.subject.set_kind(kind.subject)
        self._clear_messages()
        self._discard_preview()
        self._load_minutes()
        self._enable()
        self.keeping.reload()

    def _on_language_chosen(self, _index: int) -> None:
        self._lang_chosen = True
        self._mark_stale()

    def _on_subject(self, _record_id: str | None) -> None:
        self._discard_preview()
        self._load_minutes()
        self._enable()

    def _on_period(self) -> None:
        self._mark_stale()
        self._show_narrative_note()
        self.keeping.reload()

    def _on_version(self) -> None:
        self._mark_stale()
        self._show_minutes()

    def _mark_stale(self, *_args) -> None:
        self._set_stale(True)

    def _set_stale(self, stale: bool) -> None:
        if stale:
            self._changes += 1
        self._stale = stale
        self.preview.set_stale(stale)

    def _on_data_changed(self, kind: str) -> None:
        if kind != RecordKind.MINUTES:  # a minutes' status does not change what is printed
            self._report_cache.clear()
            self._set_stale(True)
        if kind in (RecordKind.SESSION, RecordKind.VISIT, RecordKind.MEETING,
                    RecordKind.NOTICE, RecordKind.CITIZEN) and \
                self.kind().subject is not None:
            self.subject.reload()
        if kind in (RecordKind.OFFICIAL, RecordKind.UNIT):
            self._fill_officials()
        if kind == RecordKind.UNIT:
            self._fill_report_units()
        self._load_minutes()

    def activate(self) -> None:
        if self.kind().subject is not None:
            self.subject.reload()

    def refresh(self) -> None:
        self._on_data_changed("")

    def print_current(self) -> None:
        self.print_document()

    def _enable(self) -> None:
        busy = self._job is not None
        kind = self.kind()
        ready = kind.subject is None or self.subject.selected_id() is not None
        for button in (self.preview_button, self.print_button, self.save_pdf_button,
                       self.save_word_button):
            button.setEnabled(ready and not busy)
        self.save_excel_button.setEnabled(not busy)
        self.fill_template_button.setVisible(kind.code == "periodic")
        self.fill_template_button.setEnabled(not busy)
        self.fill_button.setEnabled(not busy)
        self._show_minutes()

    # --- the request -------------------------------------------------------------------

    def request(self) -> Request:
        """What to produce, read from the form; ValidationError names what is missing."""
        kind = self.kind()
        req = Request(kind.code, self.ctx.unit_id, self.document_lang())
        if kind.code == "periodic":
            req.unit_id = self.report_unit_id()
        if kind.subject is not None:
            req.subject_id = self.subject.selected_id()
            if req.subject_id is None:
                raise ValidationError.single("subject", _(SUBJECT_MISSING[kind.subject]))
        if kind.period:
            try:
                req.period = self.period.period()
            except ValueError as exc:
                raise ValidationError.single("period", str(exc)) from None
        if kind.code in MINUTES_SUBJECTS:
            req.minutes_id = self.minutes_version.currentData()
            if kind.code != "minutes_meeting":
                req.copy = self.minutes_copy.currentData() or "office"
        if kind.code == "periodic":
            req.narrative = self.narrative_texts()
            req.report = self._report_cache.get(self._report_key(req.period))
        if kind.code == "slip":
            req.slip = SlipOptions(
                from_qdate(self.slip_date.date()), _time_of(self.slip_time),
                self.slip_place.text().strip(), self.slip_reason.toPlainText().strip(),
                self.slip_official.currentData(), self.slip_number.text().strip() or None)
        if kind.code == "receipt":
            req.receipt = ReceiptOptions(
                self.receipt_documents.toPlainText(), from_qdate(self.receipt_date.date()),
                self.receipt_official.currentData(),
                self.receipt_number.text().strip() or None)
        return req

    def _read_request(self) -> Request | None:
        """The request as the form says, after clearing the messages; None (the reason
        shown) when something is missing."""
        self._clear_messages()
        try:
            return self.request()
        except ServiceError as exc:
            self.show_failure(exc)
            return None

    def _report_key(self, period: Period | None, unit_id: str | None = None) -> tuple:
        if period is None:
            return ()
        return (unit_id or self.report_unit_id(), period.start, period.end, period.kind)

    def _keep_report(self, report, period: Period) -> None:
        """A periodic report computed: reused while the choices stay, shown by unit."""
        self._report_cache[self._report_key(period, report.unit.id)] = report
        self.last_report = report
        self._show_unit_figures()

    def _next_path(self, suffix: str = ".pdf") -> Path:
        self._serial += 1
        return Path(self._tmp.name) / f"document-{self._serial}{suffix}"


# --- helpers -------------------------------------------------------------------------------


def _time_of(edit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())
