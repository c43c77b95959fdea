"""The petition detail view: one petition read in full (off the GUI thread), its facts,
history, deadlines and attachments, and the buttons of exactly the steps the lifecycle
allows next."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, ngettext
from ..model import Petition
from ..model.codes import EventKind, Handling, PetitionType, Result, Status, label
from ..rules import lifecycle
from ..rules.deadlines import days_left, rule_title
from ..services import attachments, petitions, protection, reference
from ..services.errors import ServiceError
from ..services.protection import Shield, is_protected, record_identity_view
from ..services.units import list_officials
from . import ops
from .context import AppContext
from .forms import ERROR_STYLE, open_on_enter
from .permissions import guard
from .petition_forms import COMPLEXITY, CONFIDENTIAL, EXTRA_ACTIONS, field_names
from .petition_rows import DUE_SOON_DAYS, people_hidden
from .widgets.texts import Texts, yes_no

# --- the detail view -----------------------------------------------------------------------------


@dataclass
class PetitionView:
    """What the detail view shows, read in one unit of work."""

    id: str
    ref: str
    petition_type: str
    status: str
    values: dict[str, str]
    timeline: list[tuple[str, str, str, str]]
    deadlines: list[tuple[str, str, date, date, int, int]]  # key, basis, start, due, left, ext
    extensions: list[tuple[date, str, int, str, str]]
    files: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    can_extend: bool = False
    #: lifecycle steps the law refuses for this petition, with the reason (not offered)
    refused: dict[str, str] = field(default_factory=dict)
    #: an accepted denunciation whose parties are still to be notified
    notice_due: bool = False
    #: the version shown: a step chosen from this view is refused if someone saved since
    version: int | None = None


def load_view(session, petition_id: str, today: date) -> PetitionView:
    p = petitions.get_petition(session, petition_id)
    officials = {o.id: o.full_name for o in list_officials(session, None, active_only=False)}
    fields = field_names(session)
    sources = dict(reference.source_choices(session))
    shield = protection.shield(session)
    timeline = []
    for e in petitions.events(session, petition_id):
        if e.kind == EventKind.TRANSITION:
            step = " → ".join(x for x in (label(Status, e.from_status),
                                           label(Status, e.to_status)) if x)
        else:
            step = label(EventKind, e.kind)
        timeline.append((format_date(e.event_date), step, officials.get(e.official_id or "", ""),
                         shield.text(e.note)))
    current = petitions.deadlines(session, petition_id)
    running = [(d.key, d.rule.legal_basis, d.start, d.due, days_left(d.due, today),
                d.extended_days) for d in current]
    exts = [(x.decided_on, x.deadline_key, x.days, shield.text(x.reason), x.decision_number)
            for x in p.extensions]
    visible = not people_hidden(p, shield)
    if visible and is_protected(p):  # a cleared user opens a denunciation: audited
        record_identity_view(session, "petition", p.id, p.unit_id, "detail")
    files = [(a.id, a.file_name if visible else _(CONFIDENTIAL), a.media_type, a.size,
              format_date(a.created_at))
             for a in attachments.list_attachments(session, "petition", p.id)]
    return PetitionView(p.id, p.ref, p.petition_type, p.status,
                        _values(p, officials, fields, sources, shield), timeline, running, exts,
                        files,
                        can_extend=any(petitions.can_extend(p, d) for d in current),
                        refused=petitions.refused_steps(session, p),
                        notice_due=petitions.notice_due(session, p),
                        version=p.version)


def _values(p: Petition, officials: dict[str, str], fields: dict[str, str],
            sources: dict[str, str], shield: Shield) -> dict[str, str]:
    if people_hidden(p, shield):
        people = _(CONFIDENTIAL)
    elif p.petitioners:
        people = "\n".join(
            ", ".join(x for x in (q.full_name, q.id_number or "", q.address, q.phone) if x)
            for q in p.petitioners)
    else:
        people = _("(anonymous)") if p.anonymous else "—"
    flags = [text for on, text in (
        (p.anonymous, _("anonymous")), (p.many_signers, _("many signers")),
        (p.beyond_level, _("beyond the competent level")), (p.long_running, _("long-running")),
        (p.is_delegation, _("delegation")), (bool(p.duplicate_of_id), _("duplicate")),
    ) if on]
    if p.eligible is None:
        classified = _("Not classified yet")
    else:
        classified = _("Eligible: {eligible}; within competence: {competence}").format(
            eligible=yes_no(p.eligible).lower(), competence=yes_no(p.within_competence).lower())
    if flags:
        classified += "\n" + _("Flags: {flags}").format(flags=", ".join(flags))
    handling = ""
    if p.handling:
        handling = _("{handling} on {date}").format(
            handling=label(Handling, p.handling), date=format_date(p.handling_date))
        if p.handled_to:
            handling += " — " + shield.text(p.handled_to)
    result = ""
    if p.result:
        result = _("{result} on {date}").format(result=label(Result, p.result),
                                                date=format_date(p.result_date))
    decision = p.decision_number or ""
    if p.decision_date:
        decision = _("{number} of {date}").format(number=decision or "—",
                                                  date=format_date(p.decision_date))
    return {
        "received": format_date(p.received_date),
        "source": sources.get(p.source_code, p.source_code),
        "field": fields.get(p.field_code or "", "—"),
        "content": shield.text(p.content),
        "forwarded_from": shield.text(p.forwarded_from),
        "signers": format_number(p.signers or 1),
        "round": (_("Second level") if (p.complaint_round or 1) >= 2 else _("First level"))
        if p.petition_type == PetitionType.COMPLAINT else "",
        "petitioners": people,
        "classification": classified,
        "complexity": _(COMPLEXITY[min(max(p.complexity or 0, 0), 2)]),
        "handling": handling,
        "official": officials.get(p.assigned_official_id or "", ""),
        "result": result,
        "decision": decision,
        "closed": format_date(p.closed_date),
    }


DETAIL_ROWS: tuple[tuple[str, str], ...] = (
    ("received", N_("Date received")),
    ("source", N_("Source")),
    ("field", N_("Field")),
    ("content", N_("Content")),
    ("forwarded_from", N_("Forwarded from")),
    ("signers", N_("Signers")),
    ("round", N_("Complaint level")),
    ("petitioners", N_("Petitioners")),
    ("classification", N_("Classification")),
    ("complexity", N_("Complexity")),
    ("handling", N_("Handling")),
    ("official", N_("Assigned official")),
    ("result", N_("Result")),
    ("decision", N_("Decision")),
    ("closed", N_("Closed on")),
)
#: the first rows go in the left column of the details, the rest in the right one
DETAIL_SPLIT = 8
#: width of the column of step buttons beside the tabs
STEPS_WIDTH = 430
#: the detail's width from which its facts show in two columns
TWO_DETAIL_COLUMNS = 1100


class PetitionDetail(Texts, QWidget):
    """One petition: its details, timeline, deadlines, attachments and next steps."""

    action_requested = Signal(str)
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: PetitionView | None = None
        #: opens a file with the system's viewer (replaced in tests)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.t(self.placeholder.setText, N_("Choose a petition in the list to see its details."))

    def _build_content(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("petition_heading")
        self.heading.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.subheading = QLabel()
        self.subheading.setObjectName("petition_subheading")
        self.message = QLabel()
        self.message.setObjectName("petition_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        steps = QWidget()
        steps.setObjectName("petition_steps")
        self.buttons: dict[str, QPushButton] = {}
        self.button_grid = QGridLayout()
        self.button_grid.setSpacing(4)
        for code, action in lifecycle.ACTIONS.items():
            self._make_button(code, action.title, steps)
        for code, msgid in EXTRA_ACTIONS.items():
            self._make_button(code, msgid, steps)
        steps.setFixedWidth(STEPS_WIDTH)
        steps_layout = QVBoxLayout(steps)
        steps_layout.setContentsMargins(0, 0, 0, 0)
        steps_layout.addLayout(self.button_grid)
        steps_layout.addWidget(self.message)
        steps_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_details(), "")
        self.tabs.addTab(self._build_timeline(), "")
        self.tabs.addTab(self._build_deadlines(), "")
        self.tabs.addTab(self._build_files(), "")
        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addSpacing(16)
        head.addWidget(self.subheading, 1)
        body = QHBoxLayout()
        body.addWidget(steps)
        body.addWidget(self.tabs, 1)
        layout.addLayout(head)
        layout.addLayout(body, 1)
        return box

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # The details in two columns side by side when there is room (1366 px), one
        # under the other when there is not (1024 px): never cut off at the right.
        columns = 2 if event.size().width() >= TWO_DETAIL_COLUMNS else 1
        if columns != self._detail_columns:
            self._detail_columns = columns
            grid, second = self._detail_grid, self._detail_forms[1]
            grid.removeItem(second)
            row, col = (0, 1) if columns == 2 else (1, 0)
            grid.addLayout(second, row, col, Qt.AlignmentFlag.AlignTop)
            grid.setColumnStretch(1, 1 if columns == 2 else 0)

    def _make_button(self, code: str, msgid: str, parent: QWidget) -> None:
        button = QPushButton(parent)
        button.setObjectName(f"action_{code}")
        self.t(button.setText, msgid)
        button.clicked.connect(lambda _c=False, c=code: self.action_requested.emit(c))
        button.hide()
        self.buttons[code] = button

    def _build_details(self) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        self.values: dict[str, QLabel] = {}
        self.value_labels: dict[str, QLabel] = {}
        forms = [QFormLayout(), QFormLayout()]
        for form in forms:
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for i, (key, msgid) in enumerate(DETAIL_ROWS):
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setObjectName(f"value_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            forms[0 if i < DETAIL_SPLIT else 1].addRow(cap, value)
            self.values[key] = value
            self.value_labels[key] = cap
        grid.addLayout(forms[0], 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(forms[1], 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        self._detail_grid, self._detail_forms, self._detail_columns = grid, forms, 2
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _build_timeline(self) -> QWidget:
        self.timeline = QTableWidget(0, 4)
        self.timeline.setObjectName("timeline")
        _small_table(self.timeline, [80, 200, 120])
        return self.timeline

    def _build_deadlines(self) -> QWidget:
        inner = QWidget()
        self.deadline_layout = QVBoxLayout(inner)
        self.deadline_box = QLabel()
        self.deadline_box.setObjectName("deadlines")
        self.deadline_box.setWordWrap(True)
        self.extension_title = QLabel()
        self.extension_title.setStyleSheet("font-weight: bold;")
        self.extension_box = QLabel()
        self.extension_box.setObjectName("extensions")
        self.extension_box.setWordWrap(True)
        for w in (self.deadline_box, self.extension_title, self.extension_box):
            self.deadline_layout.addWidget(w)
        self.deadline_layout.addStretch(1)
        self.t(self.extension_title.setText, N_("Extensions"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _build_files(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.files = QTableWidget(0, 3)
        self.files.setObjectName("attachments")
        _small_table(self.files, [220, 90])
        self.files.itemDoubleClicked.connect(lambda _i: self.open_selected_file())
        open_on_enter(self.files, self.open_selected_file)
        self.add_file_button = QPushButton()
        self.add_file_button.setObjectName("add_attachment")
        self.t(self.add_file_button.setText, N_("Add a file…"))
        self.add_file_button.clicked.connect(self.choose_and_add_file)
        self.open_file_button = QPushButton()
        self.t(self.open_file_button.setText, N_("Open"))
        self.open_file_button.clicked.connect(self.open_selected_file)
        self.file_error = QLabel()
        self.file_error.setObjectName("attachment_error")
        self.file_error.setWordWrap(True)
        self.file_error.setStyleSheet(ERROR_STYLE)
        self.file_error.hide()
        self.verifier_button = QPushButton()
        self.verifier_button.setObjectName("verifier_copy")
        self.t(self.verifier_button.setText, N_("Copy for the verifiers (PDF)"))
        self.verifier_button.clicked.connect(self.open_verifier_copy)
        row = QHBoxLayout()
        row.addWidget(self.add_file_button)
        row.addWidget(self.open_file_button)
        row.addStretch(1)
        second = QHBoxLayout()  # its own line: the tab then fits beside the steps at 1024 px
        second.addStretch(1)
        second.addWidget(self.verifier_button)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.file_error)
        layout.addLayout(row)
        layout.addLayout(second)
        return box

    # --- showing a petition ---------------------------------------------------------------

    def show_petition(self, petition_id: str | None) -> None:
        """Show the petition (read on a worker; the steps wait for it: ``view`` is None
        until the petition asked for last has arrived)."""
        self.message.hide()
        self._shown_id = petition_id
        if self.view is not None and self.view.id != petition_id:
            self.view = None  # no step is taken on the previous petition meanwhile
        if not petition_id:
            ops.cancel(self, "view")
            self.view = None
            self.stack.setCurrentIndex(0)
            return
        today = date.today()

        def arrived(view: PetitionView) -> None:
            self.view = view
            self.stack.setCurrentIndex(1)
            self._render()

        def failed(exc: Exception) -> None:
            if not isinstance(exc, ServiceError):
                ops.report_error(self, exc)
            self.view = None
            self.stack.setCurrentIndex(0)

        ops.query(self, self.ctx.db, lambda s: load_view(s, petition_id, today), arrived,
                  key="view", failure=failed)

    def reload(self) -> None:
        self.show_petition(getattr(self, "_shown_id", None))

    def _render(self) -> None:
        v = self.view
        assert v is not None
        self.heading.setText(_("Petition {ref} · {type}").format(
            ref=v.ref or "—", type=label(PetitionType, v.petition_type)))
        sub = _("Status: {status}").format(status=label(Status, v.status))
        if v.deadlines:
            first = min(v.deadlines, key=lambda d: d[3])
            sub += " · " + _("next due {date} ({days})").format(
                date=format_date(first[3]), days=days_text(first[4]))
        self.subheading.setText(sub)
        for key, value in v.values.items():
            self.values[key].setText(value)
            shown = bool(value) or key in ("petitioners", "classification")
            self.values[key].setVisible(shown)
            self.value_labels[key].setVisible(shown)
        self._render_buttons()
        self._render_timeline()
        self._render_deadlines()
        self._render_files()

    def offered_actions(self) -> list[str]:
        """The lifecycle steps whose buttons are offered, in order."""
        return [c for c in lifecycle.ACTIONS if not self.buttons[c].isHidden()]

    def offered_extras(self) -> list[str]:
        return [c for c in EXTRA_ACTIONS if not self.buttons[c].isHidden()]

    def _render_buttons(self) -> None:
        v = self.view
        assert v is not None
        allowed = {a.code for a in lifecycle.allowed_actions(v.status)} - set(v.refused)
        extras = {"note"}
        if v.notice_due:
            extras.add("notify")
        if v.petition_type == "mixed" and v.status == Status.CLASSIFIED:
            extras.add("split")
        if v.can_extend:
            extras.add("extend")
        if v.status != Status.CLOSED:
            extras.add("edit")
        while self.button_grid.count():
            self.button_grid.takeAt(0)
        shown = [c for c in lifecycle.ACTIONS if c in allowed] + \
            [c for c in EXTRA_ACTIONS if c in extras]
        for i, code in enumerate(shown):
            self.button_grid.addWidget(self.buttons[code], i // 2, i % 2)
        for code, button in self.buttons.items():
            button.setVisible(code in shown)
            # a step this role may not take is shown, disabled, saying why (before the
            # dialog is filled in, not after)
            guard(button, petitions.STEP_PERMISSIONS[code])
        guard(self.add_file_button, "attachments.edit")

    def _render_timeline(self) -> None:
        assert self.view is not None
        rows = self.view.timeline
        self.timeline.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.timeline.setItem(r, c, item)
        self.timeline.resizeRowsToContents()

    def _render_deadlines(self) -> None:
        v = self.view
        assert v is not None
        if not v.deadlines:
            self.deadline_box.setText(_("No deadline is running for this petition now."))
        else:
            parts = []
            for key, basis, start, due, left, extended in v.deadlines:
                line = _("Started {start} · due {due} · {days}").format(
                    start=format_date(start), due=format_date(due), days=days_text(left))
                if extended:
                    line += " · " + ngettext("extended by {count} day",
                                             "extended by {count} days",
                                             extended).format(count=extended)
                colour = "#8b0000" if left < 0 else "#7a4b00" if left <= DUE_SOON_DAYS else ""
                style = f' style="color:{colour}"' if colour else ""
                parts.append(f"<p><b>{_esc(rule_title(key))}</b><br>{_esc(basis)}<br>"
                             f"<span{style}>{_esc(line)}</span></p>")
            self.deadline_box.setText("".join(parts))
        if not v.extensions:
            self.extension_box.setText(_("No extension has been decided."))
        else:
            lines = []
            for decided_on, key, days, reason, number in v.extensions:
                text = _("{date}: {title} extended by {days} days").format(
                    date=format_date(decided_on), title=rule_title(key), days=days)
                if number:
                    text += " — " + _("decision {number}").format(number=number)
                if reason:
                    text += " — " + reason
                lines.append(f"<p>{_esc(text)}</p>")
            self.extension_box.setText("".join(lines))

    def _render_files(self) -> None:
        assert self.view is not None
        files = self.view.files
        self.files.setRowCount(len(files))
        for r, (_id, name, media_type, size, added) in enumerate(files):
            for c, text in enumerate((name, _size_text(size), added)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{name} ({media_type})" if c == 0 else text)
                self.files.setItem(r, c, item)

    def retranslate(self) -> None:
        self.apply_texts()
        for i, msgid in enumerate((N_("Details"), N_("Timeline"), N_("Deadlines"),
                                   N_("Attachments"))):
            self.tabs.setTabText(i, _(msgid))
        self.timeline.setHorizontalHeaderLabels(
            [_("Date"), _("Status change"), _("Official"), _("Note")])
        self.files.setHorizontalHeaderLabels([_("File"), _("Size"), _("Added")])
        if self.view is not None:
            self.reload()

    # --- messages and attachments -----------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def choose_file(self) -> str:
        """Ask for a file to attach ('' when cancelled)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Attach a file"), "",
            _("Scans and documents (*.pdf *.png *.jpg *.jpeg);;All files (*)"),
            options=QFileDialog.Option.DontUseNativeDialog)  # translated, unlike native ones
        return path

    def choose_and_add_file(self) -> None:
        path = self.choose_file()
        if path:
            self.add_file(path)

    def add_file(self, path: str | Path) -> bool:
        """Attach the file at ``path`` to the petition shown; errors appear under the list."""
        if self.view is None:
            return False
        self.file_error.hide()
        try:
            with self.ctx.db.session() as s:
                attachments.add_attachment(s, self.ctx.unit_id, "petition", self.view.id, path)
        except ServiceError as exc:
            self.tabs.setCurrentIndex(3)
            self.file_error.setText(str(exc))
            self.file_error.show()
            return False
        self.reload()
        self.tabs.setCurrentIndex(3)
        self.ctx.signals.status_message.emit(_("The file was attached."))
        return True

    def open_selected_file(self) -> Path | None:
        """Write the selected file to this run's private folder (removed at exit) and open
        it with the system viewer; only a PDF or an image is opened."""
        if self.view is None or not self.view.files:
            return None
        row = max(self.files.currentRow(), 0)
        attachment_id, name, media_type = self.view.files[row][:3]
        try:
            with self.ctx.db.session() as s:
                data = attachments.attachment_data(s, attachment_id)
            target = attachments.opened_copy(name, media_type, data)
        except ServiceError as exc:
            self.file_error.setText(str(exc))
            self.file_error.show()
            return None
        self.open_url(QUrl.fromLocalFile(str(target)))
        return target

    def open_verifier_copy(self) -> Path | None:
        """The petition as handed to its verifiers (identity withheld), opened as PDF."""
        from ..services.outputs import print_verifier_copy

        if self.view is None:
            return None
        stem = re.sub(r"[^\w.-]+", "-", self.view.ref or self.view.id[:8])
        target = attachments.private_path(f"ban-sao-xac-minh-{stem}.pdf")
        try:
            with self.ctx.db.session() as s:
                print_verifier_copy(s, self.view.id, target)
        except ServiceError as exc:
            self.file_error.setText(str(exc))
            self.file_error.show()
            return None
        self.open_url(QUrl.fromLocalFile(str(target)))
        return target


def days_text(left: int) -> str:
    if left < 0:
        return ngettext("{count} day overdue", "{count} days overdue", -left).format(
            count=-left)
    if left == 0:
        return _("due today")
    return ngettext("{count} day left", "{count} days left", left).format(count=left)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=format_number(round(size / 1024 / 1024, 1)))
    return _("{size} KB").format(size=format_number(max(1, round(size / 1024))))


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _small_table(table: QTableWidget, widths: list[int]) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, w in enumerate(widths):
        table.setColumnWidth(i, w)
