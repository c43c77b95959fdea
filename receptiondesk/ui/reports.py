"""Reports: choose a document, its subject or period and its language, look at it in a
print preview, print it, save it as PDF or Excel; sign minutes and keep the signed copy.

Documents are produced by the Qt-free back end (``receptiondesk.documents`` and
``receptiondesk.reports``) off the GUI thread into a temporary PDF that the preview
shows; printing and saving use that same file, so what is printed is what was seen.

The periodic report is made for any unit of the office's tree (chosen in a list indented
by level), and its figures by unit are shown in a tab of their own, where a double click
on a unit reports on that unit (a drill-down).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import (
    N_,
    _,
    current_language,
    format_date,
    format_number,
    ngettext,
    pgettext,
    using_language,
)
from ..model.codes import MinutesStatus, MinutesSubject
from ..reports.periods import Period
from ..services import meetings as meetings_service
from ..services import minutes as minutes_service
from ..services import outputs
from ..services.errors import ServiceError, ValidationError, os_reason
from ..services.record_kinds import RecordKind
from ..text import fold
from .context import AppContext
from .first_run import LANGUAGE_NAMES
from .forms import (
    ERROR_STYLE,
    FieldErrors,
    date_edit,
    fill_combo,
    from_qdate,
    line,
    open_on_enter,
    text_edit,
    time_edit,
)
from .page import Page
from .permissions import guard, may
from .petition_forms import official_choices
from .report_forms import AddendumDialog, PdfPreview, PeriodPicker, SignMinutesDialog, SubjectPicker
from .report_keeping import ReportKeepingPanel
from .worker import run_in_background

#: a slow job's progress dialog appears once the job has run this long
PROGRESS_DELAY_MS = 400

# --- the documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str  # English message id, translated when shown
    subject: str | None = None  # what is picked in the list (report_forms.SUBJECT_KINDS)
    period: bool = False  # made for a period
    excel: bool = False  # also saved as XLSX
    slow: bool = False  # may take long: a progress dialog that can be cancelled


DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind("minutes_session", N_("Minutes of a reception session"), "session"),
    DocumentKind("minutes_visit", N_("Minutes of a visit"), "visit"),
    DocumentKind("minutes_dialogue", N_("Minutes of a dialogue"), "dialogue"),
    DocumentKind("minutes_meeting", N_("Minutes of a working meeting"), "meeting"),
    DocumentKind("notice", N_("Concluding notice"), "notice"),
    DocumentKind("logbook", N_("Log book for a period (Form 03)"), period=True, excel=True,
                 slow=True),
    DocumentKind("slip", N_("Appointment slip"), "citizen"),
    DocumentKind("receipt", N_("Receipt for documents"), "citizen"),
    DocumentKind("periodic", N_("Periodic report"), period=True, excel=True, slow=True),
    DocumentKind("register", N_("Register of outgoing documents"), period=True, excel=True),
)
DOCUMENT_BY_CODE = {d.code: d for d in DOCUMENTS}
#: the minutes subject of each minutes document
MINUTES_SUBJECTS = {
    "minutes_session": MinutesSubject.SESSION,
    "minutes_visit": MinutesSubject.VISIT,
    "minutes_dialogue": MinutesSubject.DIALOGUE,
    "minutes_meeting": MinutesSubject.MEETING,
}
SUBJECT_TITLES = {
    "session": N_("Reception session"),
    "dialogue": N_("Dialogue"),
    "visit": N_("Visit"),
    "meeting": N_("Working meeting"),
    "notice": N_("Concluding notice"),
    "citizen": N_("Citizen"),
}
SUBJECT_MISSING = {
    "session": N_("Choose a reception session in the list first."),
    "dialogue": N_("Choose a dialogue in the list first."),
    "visit": N_("Choose a visit in the list first."),
    "meeting": N_("Choose a working meeting in the list first."),
    "notice": N_("Choose a concluding notice in the list first."),
    "citizen": N_("Choose the citizen in the list first."),
}
#: file names offered when saving (folded to plain letters)
FILE_STEMS = {
    "minutes_session": N_("minutes"),
    "minutes_visit": N_("minutes"),
    "minutes_dialogue": N_("minutes"),
    "minutes_meeting": N_("minutes"),
    "notice": N_("concluding notice"),
    "logbook": N_("log book"),
    "slip": N_("appointment slip"),
    "receipt": N_("receipt"),
    "periodic": N_("report"),
    "register": N_("outgoing register"),
}


# --- what to produce (read on the GUI thread, produced off it) -------------------------


@dataclass
class SlipOptions:
    come_back_on: date
    at: time | None
    place: str
    reason: str
    official_id: str | None
    number: str | None


@dataclass
class ReceiptOptions:
    documents: str  # one a line, "name: copies"
    received_on: date
    official_id: str | None
    number: str | None


@dataclass
class Request:
    doc: str
    unit_id: str
    lang: str  # the document's language, "vi" or "en"
    subject_id: str | None = None
    minutes_id: str | None = None
    period: Period | None = None
    narrative: dict[str, str] | None = None
    slip: SlipOptions | None = None
    receipt: ReceiptOptions | None = None
    report: Any = None  # a PeriodicReport already computed for this period
    #: minutes: "office" (every citizen) or "citizens" (a signature page for each citizen)
    copy: str = "office"


@dataclass
class Produced:
    path: Path
    pages: int = 0
    minutes_id: str | None = None
    report: Any = None
    #: the narrative filled from the figures (when the official had written none)
    skeleton: dict[str, str] | None = None
    rows: int | None = None
    #: the file name to suggest, without suffix (None: the document's name and today)
    stem: str | None = None


def _parse_documents(text: str):
    from ..documents.notices import parse_documents

    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return parse_documents("; ".join(lines))


def compute_report(db, req: Request):
    """The periodic report's figures for the request's period (reused when given)."""
    if req.report is not None:
        return req.report
    from ..reports.periodic import periodic_report

    with db.session() as s:
        return periodic_report(s, req.unit_id, req.period)


def skeleton_for(report, lang: str) -> dict[str, str]:
    from ..reports.periodic import narrative_skeleton

    with using_language(lang):
        return narrative_skeleton(report)


def produce_pdf(db, req: Request, out: Path, fmt: str = "pdf") -> Produced:
    """Write the requested document as PDF (``fmt`` docx: its Word copy) to ``out`` (runs
    off the GUI thread).

    The document's language is set for this thread only, so that the open windows never
    change language while a document in the other one is made.
    """
    with using_language(req.lang):
        return _produce_pdf(db, req, out, fmt)


def _produce_pdf(db, req: Request, out: Path, fmt: str = "pdf") -> Produced:
    # every document through the one door out: permission, audit, protection, whole file
    if req.doc == "periodic":
        from ..reports.saving import save_periodic_report

        report = compute_report(db, req)
        skeleton = None if req.narrative is not None else skeleton_for(report, req.lang)
        saved = save_periodic_report(db, req.unit_id, req.period, out, fmt, lang=req.lang,
                                     narrative=req.narrative or skeleton, report=report)
        return Produced(out, saved.pages or 0, report=report, skeleton=skeleton)
    with db.session() as s:
        if req.doc in MINUTES_SUBJECTS:
            minutes_id = req.minutes_id or minutes_service.minutes_for(
                s, MINUTES_SUBJECTS[req.doc], req.subject_id).id
            pages = outputs.print_minutes(s, minutes_id, out, lang=req.lang, copy=req.copy,
                                          fmt=fmt)
            when, number = minutes_service.minutes_date_and_number(s, minutes_id)
            stem = file_stem(req.doc, when, number)
            if req.copy == "citizens":
                words = re.split(r"[^0-9a-z]+", fold(_("citizens' signature pages")).lower())
                stem = "-".join([*(w for w in words if w), stem])
            return Produced(out, pages, minutes_id=minutes_id, stem=stem)
        if req.doc == "notice":
            pages = outputs.print_notice(s, req.subject_id, out, lang=req.lang, fmt=fmt)
            notice = meetings_service.get_notice(s, req.subject_id)
            return Produced(out, pages,
                            stem=file_stem(req.doc, notice.issued_on, notice.number))
        if req.doc == "register":
            rows, pages = outputs.print_outgoing_register(
                s, req.unit_id, req.period.start, req.period.end, out, fmt=fmt,
                lang=req.lang)
            return Produced(out, pages, rows=rows)
        if req.doc == "logbook":
            rows, pages = outputs.print_logbook(s, req.unit_id, req.period.start,
                                                req.period.end, out, lang=req.lang,
                                                unit_ids=[req.unit_id], fmt=fmt)
            return Produced(out, pages, rows=rows)
        if req.doc == "slip":
            o = req.slip
            pages = outputs.print_slip(
                s, req.unit_id, req.subject_id, o.come_back_on, o.reason, out,
                official_id=o.official_id, at=o.at, place=o.place, number=o.number,
                lang=req.lang, fmt=fmt)
            return Produced(out, pages)
        if req.doc == "receipt":
            o = req.receipt
            pages = outputs.print_receipt(
                s, req.unit_id, req.subject_id, _parse_documents(o.documents), out,
                official_id=o.official_id, received_on=o.received_on, number=o.number,
                lang=req.lang, fmt=fmt)
            return Produced(out, pages)
    raise ValueError(f"unknown document {req.doc}")


def write_excel(db, req: Request, out: Path, cancelled: threading.Event) -> Produced:
    """The log book or the periodic report as XLSX with real numbers."""
    with using_language(req.lang):
        return _write_excel(db, req, out, cancelled)


def _write_excel(db, req: Request, out: Path, cancelled: threading.Event) -> Produced:
    # the same door as the PDF: the same permission, an audit entry, the protection
    if req.doc == "periodic":
        from ..reports.saving import save_periodic_report

        saved = save_periodic_report(db, req.unit_id, req.period, out, "xlsx", lang=req.lang,
                                     report=req.report)
        return Produced(out, report=saved.report)

    if req.doc == "register":
        with db.session() as s:
            rows, _pages = outputs.print_outgoing_register(
                s, req.unit_id, req.period.start, req.period.end, out, fmt="xlsx",
                lang=req.lang)
        return Produced(out, rows=rows)

    # Form 03 in the document's language, with real dates and numbers
    with db.session() as s:
        rows = outputs.save_logbook_xlsx(s, [req.unit_id], req.period.start, req.period.end,
                                         out, lang=req.lang)
    return Produced(out, rows=rows)


def file_stem(doc: str, when: date | None = None, number: str = "") -> str:
    """'bien-ban-05-2026-02-05': the document's name in plain letters, its number (if
    any) and the date of the record it is about (today when there is none)."""
    words = fold(_(FILE_STEMS.get(doc, "document"))).split()
    numbered = [w for w in re.split(r"[^0-9a-z]+", fold(number).lower()) if w]
    return "-".join(words + numbered + [(when or date.today()).isoformat()])


# --- the page ------------------------------------------------------------------------------


class ReportsPage(Page):
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

    def _build_narrative(self) -> QWidget:
        from ..reports.periodic import NARRATIVE_SECTIONS

        page = QWidget()
        page.setObjectName("narrative")
        self.narrative_intro = QLabel()
        self.narrative_intro.setWordWrap(True)
        self.narrative_note = QLabel()
        self.narrative_note.setWordWrap(True)
        self.narrative_note.setStyleSheet("color: #7a4b00;")
        self.narrative_note.hide()
        self.fill_button = QPushButton()
        self.fill_button.setObjectName("fill_narrative")
        self.fill_button.clicked.connect(self.fill_narrative)
        top = QHBoxLayout()
        top.addWidget(self.narrative_intro, 1)
        top.addWidget(self.fill_button)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.narrative_titles: dict[str, QLabel] = {}
        self.narrative_edits: dict[str, QPlainTextEdit] = {}
        for key, _title in NARRATIVE_SECTIONS:
            title = QLabel()
            title.setStyleSheet("font-weight: bold;")
            edit = QPlainTextEdit()
            edit.setObjectName(f"narrative_{key}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 5 + 12)
            edit.textChanged.connect(self._on_narrative_edited)
            title.setBuddy(edit)
            body_layout.addWidget(title)
            body_layout.addWidget(edit, 1)
            self.narrative_titles[key] = title
            self.narrative_edits[key] = edit
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.keeping = ReportKeepingPanel(
            self.ctx, self._keeping_target, self.narrative_texts, self.document_lang,
            lambda issued: file_stem("periodic", issued.issued_on, issued.number))
        self.keeping.draft_loaded.connect(self._on_draft_loaded)
        self.keeping.message.connect(self.show_message)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.narrative_note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.keeping)
        return page

    def _keeping_target(self) -> tuple[str, Period] | None:
        """The unit and period the periodic report is drafted for (None: not a periodic
        report, or no valid period chosen)."""
        if self.kind().code != "periodic":
            return None
        try:
            return self.report_unit_id(), self.period.period()
        except ValueError:
            return None

    def _on_draft_loaded(self, texts: dict) -> None:
        """The saved draft reopens where it was left, unless the official is typing."""
        if self._narrative_edited and self.narrative_texts():
            return
        target = self._keeping_target()
        if target is not None:
            self._set_narrative(texts, target[1], target[0])

    def _build_unit_figures(self) -> QWidget:
        """The periodic report's figures by unit, as in the document's table."""
        page = QWidget()
        page.setObjectName("unit_figures_tab")
        self.unit_figures_note = QLabel()
        self.unit_figures_note.setWordWrap(True)
        self.unit_figures = QTableWidget(0, 0)
        self.unit_figures.setObjectName("unit_figures")
        self.unit_figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_figures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_figures.verticalHeader().hide()
        self.unit_figures.verticalHeader().setDefaultSectionSize(
            self.unit_figures.fontMetrics().height() + 8)
        self.unit_figures.setWordWrap(False)
        self.unit_figures.cellDoubleClicked.connect(
            lambda row, _col: self._report_on_row(row))
        open_on_enter(self.unit_figures,
                      lambda: self._report_on_row(self.unit_figures.currentRow()))
        self.unit_figures_caption = QLabel()
        self.unit_figures_caption.setObjectName("unit_figures_caption")
        self.unit_figures_caption.setWordWrap(True)
        font = self.unit_figures_caption.font()
        font.setBold(True)
        self.unit_figures_caption.setFont(font)
        layout = QVBoxLayout(page)
        layout.addWidget(self.unit_figures_note)
        layout.addWidget(self.unit_figures_caption)
        layout.addWidget(self.unit_figures, 1)
        return page

    def _show_unit_figures(self) -> None:
        """The last report's table by unit, as the document prints it (total in bold)."""
        table = self.unit_figures
        report = self.last_report
        if report is None:
            table.setRowCount(0)
            table.setColumnCount(0)
            self.unit_figures_caption.setText(
                _("Preview the report to see the figures of each unit."))
            return
        # not before there is a report: importing the document layer takes most of a second
        from ..reports.outputs import Pct, cell_text, unit_table

        spec = unit_table(report)
        self.unit_figures_caption.setText(_("{unit}, {period}").format(
            unit=report.unit.name, period=report.period.phrase)
            + ("" if report.unit.id == self.report_unit_id() else
               " \u2014 " + _("another unit is chosen now: preview to see its figures.")))
        table.clear()
        table.setColumnCount(len(spec.columns))
        table.setHorizontalHeaderLabels(spec.columns)
        table.setRowCount(len(spec.rows))
        ids = [u.unit_id for u in report.by_unit] + [None]
        bold = QFont(table.font())
        bold.setBold(True)
        for r, values in enumerate(spec.rows):
            total = r >= len(spec.rows) - spec.total_rows
            for c, value in enumerate(values):
                item = QTableWidgetItem(cell_text(value))
                item.setData(Qt.ItemDataRole.UserRole, ids[r] if r < len(ids) else None)
                if isinstance(value, int | float | Pct) and not isinstance(value, bool):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if total:
                    item.setFont(bold)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for c in range(1, len(spec.columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        # the names in full, up to a width that leaves room for the figures
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, min(table.sizeHintForColumn(0) + 12, 320))
        for c, (group, _span) in enumerate(self._column_groups(spec)):
            if group:
                table.horizontalHeaderItem(c).setToolTip(f"{group}: {spec.columns[c]}")

    @staticmethod
    def _column_groups(spec) -> list[tuple[str, int]]:
        """The group title over each column (empty where none)."""
        out: list[tuple[str, int]] = []
        for title, span in spec.groups or [("", 1)] * len(spec.columns):
            out += [(title, span)] * span
        return out

    def _report_on_row(self, row: int) -> None:
        """Report on the unit of a row of the table (a drill-down); the total is no unit."""
        item = self.unit_figures.item(row, 0)
        unit_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if unit_id and self.set_report_unit(unit_id):
            self.preview_document()

    def unit_figure_rows(self) -> list[list[str]]:
        """The table of figures by unit as shown, row by row."""
        t = self.unit_figures
        return [[t.item(r, c).text() for c in range(t.columnCount())]
                for r in range(t.rowCount())]

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
        from ..reports.periodic import section_title

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
        """The office and every unit below it, indented by level."""
        from ..services.dashboard import unit_tree

        with self.ctx.db.session() as s:
            nodes = unit_tree(s, self.ctx.unit_id)
        items = []
        for n in nodes:
            name = n.name if not n.dissolved_on else _("{unit} (until {date})").format(
                unit=n.name, date=format_date(n.dissolved_on))
            items.append((n.id, "\u2003" * n.depth + name))
        current = self.report_unit.currentData() or self.ctx.unit_id
        fill_combo(self.report_unit, items, current)

    def report_unit_id(self) -> str:
        """The unit the periodic report is made for (the office unless another is chosen)."""
        return self.report_unit.currentData() or self.ctx.unit_id

    def set_report_unit(self, unit_id: str) -> bool:
        index = self.report_unit.findData(unit_id)
        if index >= 0:
            self.report_unit.setCurrentIndex(index)
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
        with self.ctx.db.session() as s:
            officials = official_choices(s, self.ctx.unit_ids())
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

    def _on_narrative_edited(self) -> None:
        self._narrative_edited = True
        self._set_stale(True)

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

    def narrative_texts(self) -> dict[str, str] | None:
        """The narrative as written; None when every section is empty (the skeleton then)."""
        texts = {k: e.toPlainText().strip() for k, e in self.narrative_edits.items()}
        return texts if any(texts.values()) else None

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

    # --- background jobs -----------------------------------------------------------------

    def _run(self, work: Callable[[threading.Event], Any], done: Callable[[Any], None],
             slow: bool, text: str) -> None:
        """Run ``work`` off the GUI thread; a slow job shows a progress dialog that cancels."""
        token = object()
        cancelled = threading.Event()
        self._job, self._cancel_event = token, cancelled
        if slow:
            # shows itself after a moment, so a quick job does not flash a dialog
            self._progress = self.make_progress(text)
            self._progress.canceled.connect(self.cancel_job)
        self._enable()
        self.ctx.signals.status_message.emit(text)

        def finish(result: Any) -> None:
            if self._job is not token:
                _discard(result)  # cancelled: nobody wants it
                return
            self._end_job()
            try:
                done(result)
            finally:
                self.job_finished.emit()

        def fail(exc: Exception) -> None:
            if self._job is not token:
                return
            self._end_job()
            self.ctx.signals.status_message.emit("")
            self.show_failure(exc)
            self.job_finished.emit()

        run_in_background(lambda: work(cancelled), finish, fail)

    def make_progress(self, text: str) -> QProgressDialog:
        dialog = QProgressDialog(text, _("Cancel"), 0, 0, self)
        dialog.setObjectName("report_progress")
        dialog.setWindowTitle(_("ReceptionDesk"))
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def cancel_job(self) -> None:
        """Stop waiting for the running job: its result is thrown away when it comes."""
        if self._job is None:
            return
        if self._cancel_event is not None:
            self._cancel_event.set()
        self._end_job()
        self.show_message(_("Cancelled."))
        self.ctx.signals.status_message.emit(_("Cancelled."))
        self.job_finished.emit()

    def _end_job(self) -> None:
        self._job = None
        self._cancel_event = None
        if self._progress is not None:
            self._progress.canceled.disconnect(self.cancel_job)
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        self._enable()

    def is_busy(self) -> bool:
        return self._job is not None

    # --- messages ----------------------------------------------------------------------------

    def _clear_messages(self) -> None:
        self.message.hide()
        self.message.clear()
        self.slip_errors.clear()
        self.receipt_errors.clear()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #2f5d1f;")
        self.message.setText(text)
        self.message.show()

    def show_failure(self, exc: Exception) -> None:
        """A refusal from the services next to its field; anything else below the options."""
        if isinstance(exc, ServiceError):
            code = self.kind().code
            if code == "slip" and isinstance(exc, ValidationError) and \
                    any(e.field in self.slip_errors.labels for e in exc.errors):
                self.slip_errors.show(exc)
            elif code == "receipt" and isinstance(exc, ValidationError) and \
                    any(e.field in self.receipt_errors.labels for e in exc.errors):
                self.receipt_errors.show(exc)
            else:
                self.show_message(str(exc), error=True)
            return
        self.show_message(_("The document could not be produced: {reason}").format(
            reason=exc), error=True)

    def message_text(self) -> str:
        return self.message.text() if self.message.isVisibleTo(self) else ""

    # --- preview -----------------------------------------------------------------------

    def preview_document(self, then: Callable[[Path], None] | None = None) -> None:
        """Produce the chosen document off the GUI thread and show it in the preview."""
        if self._job is not None:
            return
        req = self._read_request()
        if req is None:
            return
        out = self._next_path()
        kind = self.kind()
        changes = self._changes
        self._run(lambda _c: produce_pdf(self.ctx.db, req, out),
                  lambda produced: self._show_produced(req, produced, then, changes),
                  kind.slow, _("Producing: {document}…").format(document=_(kind.title)))

    def _show_produced(self, req: Request, produced: Produced,
                       then: Callable[[Path], None] | None, changes: int) -> None:
        previous = self.preview.path
        self.preview.load(produced.path)
        _remove(previous)
        self.last_produced = produced
        # choices changed while it was being made: the pages are already out of date
        self._stale = self._changes != changes
        self.preview.set_stale(self._stale)
        self.tabs.setCurrentIndex(0)
        if produced.report is not None and req.period is not None:
            self._keep_report(produced.report, req.period)
        if produced.skeleton is not None:
            self._set_narrative(produced.skeleton, req.period, req.unit_id)
        if produced.minutes_id:
            self._load_minutes(select=produced.minutes_id)
            self.ctx.signals.data_changed.emit(RecordKind.MINUTES)
        text = ngettext("{count} page ready.", "{count} pages ready.", produced.pages).format(
            count=format_number(produced.pages))
        self.ctx.signals.status_message.emit(text)
        self.preview_ready.emit(str(produced.path))
        if then is not None:
            then(produced.path)

    def _discard_preview(self) -> None:
        if self.preview.path is not None:
            previous = self.preview.path
            self.preview.clear()
            _remove(previous)
        self.last_produced = None
        self._set_stale(True)

    def _with_pdf(self, then: Callable[[Path], None]) -> None:
        """Call ``then`` with the PDF of the current choices (produced again if changed)."""
        if not self._stale and self.preview.path is not None:
            then(self.preview.path)
        else:
            self.preview_document(then)

    # --- print and save ----------------------------------------------------------------

    def print_document(self) -> None:
        self._with_pdf(self._print_pdf)

    def make_print_dialog(self, printer: QPrinter) -> QPrintDialog:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        return dialog

    def _print_pdf(self, _path: Path) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_stem())
        dialog = self.make_print_dialog(printer)
        dialog.setMinMax(1, max(self.preview.page_count(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pages = self.preview.print_to(printer)
        text = ngettext("{count} page sent to the printer.", "{count} pages sent to the printer.",
                        pages).format(count=format_number(pages))
        self.show_message(text)
        self.ctx.signals.status_message.emit(text)

    def save_pdf(self) -> None:
        self._with_pdf(self._save_pdf)

    def _save_pdf(self, path: Path) -> None:
        target = self._ask_save_path(".pdf", _("PDF documents (*.pdf)"))
        if target is None:
            return
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            self.show_message(_("Cannot write {path}: {reason}").format(
                path=target, reason=os_reason(exc)), error=True)
            return
        self._saved(target)

    def save_word(self) -> None:
        """The document as a Word copy (.docx), written off the GUI thread through the
        same door as the PDF."""
        if self._job is not None:
            return
        self._clear_messages()
        try:
            req = self.request()
        except ServiceError as exc:
            self.show_failure(exc)
            return
        target = self._ask_save_path(".docx", _("Word documents (*.docx)"))
        if target is None:
            return

        def done(produced: Produced) -> None:
            if produced.report is not None and req.period is not None:
                self._keep_report(produced.report, req.period)
            self._saved(target)

        self._run(lambda _cancelled: produce_pdf(self.ctx.db, req, target, "docx"), done,
                  self.kind().slow, _("Writing {path}…").format(path=target.name))

    def save_excel(self) -> None:
        if self._job is not None or not self.kind().excel:
            return
        req = self._read_request()
        if req is None:
            return
        target = self._ask_save_path(".xlsx", _("Excel workbooks (*.xlsx)"))
        if target is None:
            return

        def done(produced: Produced) -> None:
            if produced.report is not None and req.period is not None:
                self._keep_report(produced.report, req.period)
            self._saved(target)

        self._run(lambda cancelled: write_excel(self.ctx.db, req, target, cancelled), done,
                  True, _("Writing {path}…").format(path=target.name))

    def ask_template_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("The upper level's workbook"), str(Path.home()),
            _("Excel workbooks (*.xlsx *.xlsm)"))
        return Path(chosen) if chosen else None

    def fill_template(self) -> None:
        """Fill a workbook sent by the upper level with the report's figures, into a copy
        (the template itself is left as it came)."""
        if self._job is not None or self.kind().code != "periodic":
            return
        req = self._read_request()
        if req is None:
            return
        template = self.ask_template_path()
        if template is None:
            return
        suffix = template.suffix.lower()
        target = self._ask_save_path(suffix, _("Excel workbooks (*{suffix})").format(
            suffix=suffix))
        if target is None:
            return
        if target.resolve() == template.resolve():
            self.show_message(_("Save the filled workbook under another name: the "
                                "template is kept as it came."), error=True)
            return

        def work(_cancelled) -> Any:
            from ..reports.saving import fill_report_template

            with using_language(req.lang):
                return fill_report_template(self.ctx.db, req.unit_id, req.period, template,
                                            target, report=req.report)

        def done(filled: Any) -> None:
            text = ngettext("Saved to {path} ({count} cell filled).",
                            "Saved to {path} ({count} cells filled).", filled.cells).format(
                path=target, count=format_number(filled.cells))
            if filled.not_kept:
                text += " " + _("Not kept from the template: {parts}.").format(
                    parts=", ".join(filled.not_kept))
            self.show_message(text)
            self.ctx.signals.status_message.emit(text)

        self._run(work, done, True, _("Writing {path}…").format(path=target.name))

    def suggested_stem(self) -> str:
        """The file name offered: the shown document's own (minutes: their number and
        the session's day), else the document's name and today."""
        produced = self.last_produced
        if not self._stale and produced is not None and produced.stem:
            return produced.stem
        return file_stem(self.kind().code)

    def _ask_save_path(self, suffix: str, file_filter: str) -> Path | None:
        suggested = str(Path.home() / (self.suggested_stem() + suffix))
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save as"), suggested,
                                                      file_filter)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def _saved(self, target: Path) -> None:
        text = _("Saved to {path}.").format(path=target)
        self.show_message(text)
        self.ctx.signals.status_message.emit(text)

    # --- narrative -----------------------------------------------------------------------

    def fill_narrative(self) -> None:
        """Fill the narrative from the figures of the chosen period (asks before replacing
        what the official wrote)."""
        if self._job is not None:
            return
        if self._narrative_edited and self.narrative_texts() and \
                not self.confirm_refill():
            return
        self._clear_messages()
        try:
            period = self.period.period()
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            return
        req = Request("periodic", self.report_unit_id(), self.document_lang(), period=period,
                      report=self._report_cache.get(self._report_key(period)))

        def work(_cancelled) -> Produced:
            report = compute_report(self.ctx.db, req)
            return Produced(Path(), report=report, skeleton=skeleton_for(report, req.lang))

        def done(produced: Produced) -> None:
            self._keep_report(produced.report, period)
            self._set_narrative(produced.skeleton or {}, period, req.unit_id)

        self._run(work, done, True, _("Computing the figures…"))

    def confirm_refill(self) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Fill from the figures"))
        box.setText(_("Replace the narrative you wrote with the text made from the figures?"))
        replace = box.addButton(_("Replace"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Keep my text"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is replace

    def _set_narrative(self, texts: dict[str, str], period: Period | None,
                       unit_id: str | None = None) -> None:
        for key, edit in self.narrative_edits.items():
            edit.blockSignals(True)
            edit.setPlainText(texts.get(key, ""))
            edit.blockSignals(False)
        self._narrative_edited = False
        self._narrative_period = _period_key(period)
        self._narrative_unit = unit_id
        self._show_narrative_note()

    def _show_narrative_note(self) -> None:
        try:
            chosen = _period_key(self.period.period())
        except ValueError:
            chosen = None
        written = self._narrative_period is not None and self.narrative_texts() is not None
        if written and chosen != self._narrative_period:
            self.narrative_note.setText(_(
                "The narrative was written for another period: check it, or press "
                "\u201cFill from the figures\u201d to start again from this period's figures."))
            self.narrative_note.show()
        elif written and self._narrative_unit not in (None, self.report_unit_id()):
            self.narrative_note.setText(_(
                "The narrative was written for another unit: check it, or press "
                "\u201cFill from the figures\u201d to start again from this unit's figures."))
            self.narrative_note.show()
        else:
            self.narrative_note.hide()

    # --- minutes -----------------------------------------------------------------------

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


# --- helpers -------------------------------------------------------------------------------


def _time_of(edit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())


def _period_key(period: Period | None) -> str | None:
    return f"{period.start}/{period.end}" if period else None


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


def _remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:  # still open by the viewer (Windows): the folder goes at exit
        pass


def _discard(result: Any) -> None:
    """A cancelled job's file goes: the user asked for none."""
    if isinstance(result, Produced) and result.path.suffix in (".pdf", ".xlsx"):
        _remove(result.path)
