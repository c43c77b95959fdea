"""Inspections and supervisions of subordinate organisations on how they do this work."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, ngettext
from ..model import Inspection
from ..model.codes import InspectionBody, InspectionKind, choices, label
from ..services import inspections, protection
from ..services.protection import Shield
from ..services.record_kinds import RecordKind
from .context import AppContext
from .forms import (
    RecordDialog,
    check,
    combo,
    compact,
    date_edit,
    fill_combo,
    from_qdate,
    line,
    text_edit,
)
from .page import RecordListPage
from .paged import Column, Row
from .permissions import guard
from .widgets.period_filter import PeriodFilter
from .widgets.search_box import SearchBox
from .widgets.tables import fit_headers
from .widgets.texts import Texts, save_cancel_texts, yes_no

COLUMNS = (
    Column(N_("Date")),
    Column(N_("Kind")),
    Column(N_("Conducted by")),
    Column(N_("No. of organisations"), numeric=True),
    Column(N_("No. of members"), numeric=True),
    Column(N_("Violations found")),
    Column(N_("Content")),
)
#: the columns that share the width left: the list never scrolls sideways
FLEXIBLE = (2, 6)
WIDTHS = [96, 110, 190, 110, 100, 130, 250]


def inspection_row(i: Inspection, shield: Shield | None = None) -> Row:
    """One row of the list; ``shield`` blots protected people out of its content."""
    content = shield.text(i.content) if shield is not None else i.content
    return Row(
        i.id,
        [
            format_date(i.inspection_date),
            label(InspectionKind, i.kind),
            label(InspectionBody, i.body),
            format_number(i.organisation_count or 0),
            format_number(i.member_count or 0),
            yes_no(i.violations_found),
            " ".join(content.split()),
        ],
        tint="hot" if i.violations_found else None,
        numbers={3: float(i.organisation_count or 0), 4: float(i.member_count or 0)},
    )


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\n", "<br>")


class InspectionDialog(Texts, RecordDialog):
    """An inspection or supervision: by which body, of whom, what was found."""

    def __init__(self, ctx: AppContext, inspection_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.inspection_id = inspection_id
        self.setObjectName("inspection_dialog")
        self.setMinimumWidth(620)
        i = None
        if inspection_id:
            with ctx.db.session() as s:
                i = inspections.get_inspection(s, inspection_id)
            self.loaded_version = i.version
        self.inspection_date = date_edit(i.inspection_date if i else date.today())
        self.body = combo(choices(InspectionBody), i.body if i else None)
        self.kind = combo(choices(InspectionKind), i.kind if i else None)
        self.organisations = text_edit(i.organisations if i else "", lines=3)
        self.members = text_edit(i.members if i else "", lines=2)
        self.content = text_edit(i.content if i else "", lines=3)
        self.findings = text_edit(i.findings if i else "", lines=3)
        self.violations = check("", bool(i and i.violations_found))
        self.violations.setObjectName("violations_found")
        self.conclusions = text_edit(i.conclusions if i else "", lines=3)
        self.ref = line(i.ref if i else "")
        rows = [
            (N_("Date"), self.inspection_date, "inspection_date"),
            (N_("Conducted by"), self.body, "body"),
            (N_("Kind"), self.kind, "kind"),
            (N_("Organisations"), self.organisations, "organisations"),
            (N_("Party members"), self.members, "members"),
            (N_("Content"), self.content, "content"),
            (N_("Findings"), self.findings, "findings"),
            (N_("Violations"), self.violations, "violations_found"),
            (N_("Conclusions"), self.conclusions, "conclusions"),
            (N_("Reference number"), self.ref, "ref"),
        ]
        for msgid, widget, name in rows:
            cap = QLabel()
            self.t(cap.setText, msgid)
            cap.setBuddy(widget)
            self.form.addRow(cap, widget)
            self.errors.bind(name, widget)
        # Counts are computed from the lists; their errors belong next to the lists.
        self.errors.bind("organisation_count", self.organisations)
        self.errors.bind("member_count", self.members)
        self.t(self.violations.setText, N_("Violations were found"))
        self.watch(self.inspection_date, self.body, self.kind, self.organisations, self.members,
                   self.content, self.findings, self.violations, self.conclusions, self.ref)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def collect(self) -> inspections.InspectionInput:
        return inspections.InspectionInput(
            inspection_date=from_qdate(self.inspection_date.date()),
            body=self.body.currentData() or "",
            kind=self.kind.currentData() or "",
            organisations=self.organisations.toPlainText(),
            members=self.members.toPlainText(),
            content=self.content.toPlainText(),
            findings=self.findings.toPlainText(),
            violations_found=self.violations.isChecked(),
            conclusions=self.conclusions.toPlainText(),
            ref=self.ref.text(),
        )

    def write(self, session, data: inspections.InspectionInput) -> str | None:
        """On a worker: the inspection created or updated (refused if changed meanwhile)."""
        if self.inspection_id:
            return inspections.update_inspection(session, self.inspection_id, data,
                                                 expected_version=self.loaded_version).id
        return inspections.create_inspection(session, self.ctx.unit_id, data).id

    def reopened(self) -> RecordDialog | None:
        return InspectionDialog(self.ctx, self.inspection_id, self.parentWidget()) \
            if self.inspection_id else None

    def retranslate(self) -> None:
        self.setWindowTitle(_("Inspection or supervision") if self.inspection_id
                            else _("New inspection or supervision"))
        self.apply_texts()
        fill_combo(self.body, choices(InspectionBody))
        fill_combo(self.kind, choices(InspectionKind))
        self.organisations.setPlaceholderText(_("One organisation a line"))
        self.members.setPlaceholderText(_("One party member a line"))
        save_cancel_texts(self)


class InspectionsPage(Texts, RecordListPage):
    record_kind = RecordKind.INSPECTION
    refresh_on = frozenset((RecordKind.INSPECTION, RecordKind.UNIT, RecordKind.SETTINGS))
    name = "inspections"
    new_permission = "inspections.edit"
    title = N_("Inspections")

    def _build(self) -> None:
        self.new_button = QPushButton()
        self.new_button.setObjectName("new_inspection")
        self.new_button.clicked.connect(self.new_record)
        self.guard_new(self.new_button)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        self.t(self.new_button.setText, N_("New inspection…"))
        self.t(self.edit_button.setText, N_("Edit…"))
        self.search = SearchBox()
        self.search.search_changed.connect(lambda _t: self.reload())
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)

        self.period = PeriodFilter()
        self.period.changed.connect(self.reload)
        self.kind_filter = compact(QComboBox(), 10)
        self.body_filter = compact(QComboBox(), 9)
        for box in (self.kind_filter, self.body_filter):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.violations_check = QCheckBox()
        self.violations_check.setObjectName("violations_only")
        self.violations_check.toggled.connect(lambda _on: self.reload())
        self.t(self.violations_check.setText, N_("Violations only"))
        filters = QHBoxLayout()
        for msgid, widget in ((N_("Period"), self.period), (N_("Kind"), self.kind_filter),
                              (N_("Conducted by"), self.body_filter)):
            cap = QLabel()
            self.t(cap.setText, msgid)
            filters.addWidget(cap)
            filters.addWidget(widget)
            filters.addSpacing(12)
        filters.addWidget(self.violations_check)
        filters.addStretch(1)

        splitter = self.list_with_detail(COLUMNS, WIDTHS, "inspection", FLEXIBLE)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self.edit_button.setEnabled(False)

    def retranslate(self) -> None:
        self.apply_texts()
        self.search.setPlaceholderText(
            _("Search organisations, members, content or findings (accents optional)"))
        fill_combo(self.kind_filter, choices(InspectionKind), blank=_("All kinds"))
        fill_combo(self.body_filter, choices(InspectionBody), blank=_("All bodies"))
        self.period.retranslate()
        self.model.retranslate()
        fit_headers(self.table, WIDTHS)
        if self.model.loaded_count():
            self.reload()

    # --- list ---------------------------------------------------------------------

    def current_filter(self) -> inspections.InspectionFilter:
        start, end = self.period.range()
        kind, body = self.kind_filter.currentData(), self.body_filter.currentData()
        return inspections.InspectionFilter(
            unit_ids=self._unit_ids, date_from=start, date_to=end,
            kinds=[kind] if kind else [], bodies=[body] if body else [],
            violations_only=self.violations_check.isChecked(), query=self.search.text())

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        f = self.current_filter()

        def read(s) -> list[Row]:
            shield = protection.shield(s)
            return [inspection_row(i, shield)
                    for i in inspections.list_inspections(s, f, offset, limit)]

        return read

    def count_query(self):
        f = self.current_filter()
        return lambda s: inspections.count_inspections(s, f)

    def count_text(self, n: int) -> str:
        return ngettext(
            "{count} inspection or supervision", "{count} inspections and supervisions",
            n).format(count=format_number(n))

    def current_changed(self) -> None:
        guard(self.edit_button, "inspections.edit", self.current_id is not None)

    def clear_detail(self) -> None:
        self.detail.setText(_("Choose an inspection in the list to see its findings."))

    def detail_query(self, record_id: str):
        return lambda s: self._detail_html(inspections.get_inspection(s, record_id),
                                           protection.shield(s))

    def show_found_detail(self, found: str) -> None:
        self.detail.setText(found)

    def detail_failed(self, exc: Exception) -> None:
        self.detail.setText(_esc(str(exc)))

    def _detail_html(self, i: Inspection, shield: Shield | None = None) -> str:
        shown = shield.text if shield is not None else (lambda text: text)
        heading = _("{kind} of {date} — {body}").format(
            kind=label(InspectionKind, i.kind), date=format_date(i.inspection_date),
            body=label(InspectionBody, i.body))
        parts = [f"<h3>{_esc(heading)}</h3>"]
        for title, value in (
            (_("Organisations"), i.organisations), (_("Party members"), i.members),
            (_("Content"), i.content), (_("Findings"), i.findings),
            (_("Violations found"), yes_no(i.violations_found)),
            (_("Conclusions"), i.conclusions),
        ):
            if value:
                parts.append(f"<p><b>{_esc(title)}:</b> {_esc(shown(value))}</p>")
        return "".join(parts)

    # --- the record's own dialogs -----------------------------------------------------------

    def make_inspection_dialog(self, inspection_id: str | None = None) -> InspectionDialog:
        return InspectionDialog(self.ctx, inspection_id, self)

    def new_record(self) -> None:
        if not self.may_create():
            return
        dialog = self.make_inspection_dialog()
        if self.exec_dialog(dialog):
            self.current_id = dialog.result_id
            self._saved()

    def edit_current(self) -> None:
        if self.current_id and self.exec_dialog(self.make_inspection_dialog(self.current_id)):
            self._saved()

    def _saved(self) -> None:
        self.ctx.signals.data_changed.emit(RecordKind.INSPECTION)
        self.ctx.signals.status_message.emit(_("The inspection was saved."))
