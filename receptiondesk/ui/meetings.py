"""Working meetings with subordinate units and the concluding notices issued after them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_date, format_number, ngettext
from ..model import WorkingMeeting
from ..model.codes import MeetingKind, MinutesSubject, choices, label
from ..services import meetings, protection
from ..services.minutes import signed_on
from ..services.protection import Shield
from ..services.record_kinds import RecordKind
from .context import AppContext
from .forms import RecordDialog, combo, date_edit, fill_combo, from_qdate, line, text_edit
from .page import RecordListPage
from .paged import Column, Row
from .permissions import guard
from .widgets.choices import official_choices
from .widgets.period_filter import PeriodFilter
from .widgets.search_box import SearchBox
from .widgets.tables import fit_headers
from .widgets.texts import Texts, save_cancel_texts

COLUMNS = (
    Column(N_("Meeting date")),
    Column(N_("Kind")),
    Column(N_("Chaired by")),
    Column(N_("Participants")),
    Column(N_("Concluding notices")),
    Column(N_("Content")),
)
#: the columns that share the width left: the list never scrolls sideways
FLEXIBLE = (3, 5)
WIDTHS = [104, 110, 170, 300, 150, 200]


def meeting_row(m: WorkingMeeting, shield: Shield | None = None) -> Row:
    """One row of the list; ``shield`` blots protected people out of its texts."""
    shown = shield.text if shield is not None else (lambda text: text)
    notices = ", ".join(n.number for n in sorted(
        m.notices, key=lambda n: (n.issued_on or date.min, n.number)))
    return Row(m.id, [
        format_date(m.meeting_date),
        label(MeetingKind, m.kind),
        m.chaired_by_name,
        " ".join(shown(m.participants).split()),
        notices,
        " ".join(shown(m.content).split()),
    ])


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\n", "<br>")


def _layout_rows(dialog: RecordDialog, texts: Texts, rows) -> None:
    for msgid, widget, name in rows:
        cap = QLabel()
        texts.t(cap.setText, msgid)
        cap.setBuddy(widget)
        dialog.form.addRow(cap, widget)
        if name:
            dialog.errors.bind(name, widget)


class MeetingDialog(Texts, RecordDialog):
    """A working meeting: when, what kind, who chaired, who attended, what was concluded."""

    def __init__(self, ctx: AppContext, meeting_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.setObjectName("meeting_dialog")
        self.setMinimumWidth(620)
        with ctx.db.session() as s:
            m = meetings.get_meeting(s, meeting_id) if meeting_id else None
            officials = official_choices(s, ctx.unit_ids())
            self.signed_at = (signed_on(s, MinutesSubject.MEETING, m.id)
                              if m is not None and m.locked else None)
        self.loaded_version = m.version if m else None
        self.meeting_date = date_edit(m.meeting_date if m else date.today())
        self.kind = combo(choices(MeetingKind), m.kind if m else MeetingKind.REGULAR)
        self.chaired_by = QComboBox()
        self.chaired_by.setEditable(True)
        self.chaired_by.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        fill_combo(self.chaired_by, officials, m.chaired_by_id if m else ctx.official_id)
        if m and not m.chaired_by_id:
            self.chaired_by.setEditText(m.chaired_by_name)
        self.place = line(m.place if m else "")
        self.participants = text_edit(m.participants if m else "", lines=3)
        self.content = text_edit(m.content if m else "", lines=3)
        self.conclusions = text_edit(m.conclusions if m else "", lines=4)
        self.ref = line(m.ref if m else "")
        _layout_rows(self, self, [
            (N_("Meeting date"), self.meeting_date, "meeting_date"),
            (N_("Kind"), self.kind, "kind"),
            (N_("Chaired by"), self.chaired_by, "chaired_by_id"),
            (N_("Place"), self.place, "place"),
            (N_("Participants"), self.participants, "participants"),
            (N_("Content"), self.content, "content"),
            (N_("Conclusions"), self.conclusions, "conclusions"),
            (N_("Reference number"), self.ref, "ref"),
        ])
        self.watch(self.meeting_date, self.kind, self.place, self.participants, self.content,
                   self.conclusions, self.ref)
        self.chaired_by.editTextChanged.connect(self._mark_dirty)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()
        if m is not None and m.locked:
            self.make_read_only(self._signed_banner())

    def _signed_banner(self) -> str:
        when = format_date(self.signed_at.date()) if self.signed_at else "—"
        return _("The minutes of this meeting were signed on {date}, so it can no longer "
                 "change. Record a correction as an addendum: Reports, the meeting's "
                 "minutes, \u201cAdd addendum…\u201d.").format(date=when)

    def chair(self) -> tuple[str | None, str]:
        """(official id, name): an official from the list, or a name typed in."""
        text = self.chaired_by.currentText().strip()
        index = self.chaired_by.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0 and self.chaired_by.itemData(index):
            return self.chaired_by.itemData(index), ""
        return None, text

    def collect(self) -> meetings.MeetingInput:
        chair_id, chair_name = self.chair()
        data = meetings.MeetingInput(
            meeting_date=from_qdate(self.meeting_date.date()),
            kind=self.kind.currentData() or "",
            chaired_by_id=chair_id,
            chaired_by_name=chair_name,
            place=self.place.text(),
            participants=self.participants.toPlainText(),
            content=self.content.toPlainText(),
            conclusions=self.conclusions.toPlainText(),
            ref=self.ref.text(),
        )
        return data

    def write(self, session, data: meetings.MeetingInput) -> str | None:
        """On a worker: the meeting created or updated (refused if changed meanwhile)."""
        if self.meeting_id:
            return meetings.update_meeting(session, self.meeting_id, data,
                                           expected_version=self.loaded_version).id
        return meetings.create_meeting(session, self.ctx.unit_id, data).id

    def reopened(self) -> RecordDialog | None:
        return MeetingDialog(self.ctx, self.meeting_id, self.parentWidget()) \
            if self.meeting_id else None

    def retranslate(self) -> None:
        self.setWindowTitle(_("Working meeting") if self.meeting_id else _("New working meeting"))
        self.apply_texts()
        fill_combo(self.kind, choices(MeetingKind))
        self.participants.setPlaceholderText(_("One a line: name, position, unit"))
        save_cancel_texts(self)
        self._retranslate_banner()


class NoticeDialog(Texts, RecordDialog):
    """The concluding notice issued after a meeting: its number, date and content."""

    def __init__(self, ctx: AppContext, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.setObjectName("notice_dialog")
        self.setMinimumWidth(560)
        with ctx.db.session() as s:
            m = meetings.get_meeting(s, meeting_id)
            officials = official_choices(s, ctx.unit_ids())
            self._summary = (m.meeting_date, m.chaired_by_name)
            conclusions = m.conclusions
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.heading)
        self.number = line()
        self.issued_on = date_edit(date.today())
        self.content = text_edit(conclusions, lines=6)
        self.signed_by = combo(officials, m.chaired_by_id or ctx.official_id, blank="—")
        _layout_rows(self, self, [
            (N_("Notice number"), self.number, "number"),
            (N_("Date issued"), self.issued_on, "issued_on"),
            (N_("Content"), self.content, "content"),
            (N_("Signed by"), self.signed_by, "signed_by_id"),
        ])
        self.watch(self.number, self.issued_on, self.content, self.signed_by)
        self._dirty = False
        ctx.signals.language_changed.connect(self.retranslate)
        self.retranslate()

    def collect(self) -> meetings.NoticeInput:
        return meetings.NoticeInput(
            number=self.number.text(),
            issued_on=from_qdate(self.issued_on.date()),
            content=self.content.toPlainText(),
            signed_by_id=self.signed_by.currentData(),
        )

    def write(self, session, data: meetings.NoticeInput) -> str | None:
        """On a worker: the concluding notice issued for the meeting."""
        return meetings.issue_notice(session, data, meeting_id=self.meeting_id).id

    def retranslate(self) -> None:
        self.setWindowTitle(_("Issue a concluding notice"))
        held_on, chair = self._summary
        self.heading.setText(_("Working meeting of {date}, chaired by {name}").format(
            date=format_date(held_on), name=chair or "—"))
        self.number.setPlaceholderText(_("Empty: the next number of the year"))
        self.apply_texts()
        save_cancel_texts(self)


class MeetingsPage(Texts, RecordListPage):
    record_kind = RecordKind.MEETING
    refresh_on = frozenset((RecordKind.MEETING, RecordKind.NOTICE, RecordKind.OFFICIAL,
                            RecordKind.UNIT, RecordKind.SETTINGS))
    name = "meetings"
    new_permission = "meetings.edit"
    title = N_("Meetings and notices")

    def _build(self) -> None:
        self.new_button = QPushButton()
        self.new_button.setObjectName("new_meeting")
        self.new_button.clicked.connect(self.new_record)
        self.guard_new(self.new_button)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_current)
        self.notice_button = QPushButton()
        self.notice_button.setObjectName("issue_notice")
        self.notice_button.clicked.connect(self.issue_notice)
        self.t(self.new_button.setText, N_("New meeting…"))
        self.t(self.edit_button.setText, N_("Edit…"))
        self.t(self.notice_button.setText, N_("Issue a concluding notice…"))
        self.search = SearchBox()
        self.search.search_changed.connect(lambda _t: self.reload())
        self.count_label = QLabel()
        top = QHBoxLayout()
        for w in (self.new_button, self.edit_button, self.notice_button):
            top.addWidget(w)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)

        self.period = PeriodFilter()
        self.period.changed.connect(self.reload)
        self.kind_filter = QComboBox()
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.reload())
        filters = QHBoxLayout()
        for msgid, widget in ((N_("Period"), self.period), (N_("Kind"), self.kind_filter)):
            cap = QLabel()
            self.t(cap.setText, msgid)
            filters.addWidget(cap)
            filters.addWidget(widget)
            filters.addSpacing(12)
        filters.addStretch(1)

        splitter = self.list_with_detail(COLUMNS, WIDTHS, "meeting", FLEXIBLE)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self._enable_buttons()

    def retranslate(self) -> None:
        self.apply_texts()
        self.search.setPlaceholderText(
            _("Search content, participants, conclusions or chair (accents optional)"))
        fill_combo(self.kind_filter, choices(MeetingKind), blank=_("All kinds"))
        self.period.retranslate()
        self.model.retranslate()
        fit_headers(self.table, WIDTHS)
        if self.model.loaded_count():
            self.reload()

    # --- list ---------------------------------------------------------------------

    def current_filter(self) -> meetings.MeetingFilter:
        start, end = self.period.range()
        kind = self.kind_filter.currentData()
        return meetings.MeetingFilter(unit_ids=self._unit_ids, date_from=start, date_to=end,
                                      kinds=[kind] if kind else [], query=self.search.text())

    def _plan(self, offset: int, limit: int, _sort: str | None, _desc: bool):
        f = self.current_filter()

        def read(s) -> list[Row]:
            shield = protection.shield(s)
            return [meeting_row(m, shield) for m in meetings.list_meetings(s, f, offset, limit)]

        return read

    def count_query(self):
        f = self.current_filter()
        return lambda s: meetings.count_meetings(s, f)

    def count_text(self, n: int) -> str:
        return ngettext("{count} meeting", "{count} meetings", n).format(
            count=format_number(n))

    def current_changed(self) -> None:
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        guard(self.edit_button, "meetings.edit", self.current_id is not None)
        guard(self.notice_button, "meetings.edit", self.current_id is not None)

    def clear_detail(self) -> None:
        self.detail.setText(_("Choose a meeting in the list to see its conclusions and "
                              "notices."))

    def detail_query(self, record_id: str):
        def read(s) -> str:
            m = meetings.get_meeting(s, record_id)
            signed = signed_on(s, MinutesSubject.MEETING, m.id) if m.locked else None
            return self._detail_html(m, meetings.notices_of_meeting(s, m.id),
                                     protection.shield(s), signed)

        return read

    def show_found_detail(self, found: str) -> None:
        self.detail.setText(found)

    def detail_failed(self, exc: Exception) -> None:
        self.detail.setText(_esc(str(exc)))

    def _detail_html(self, m: WorkingMeeting, notices,
                     shield: Shield | None = None, signed_at=None) -> str:
        shown = shield.text if shield is not None else (lambda text: text)
        heading = _("Working meeting of {date}").format(date=format_date(m.meeting_date))
        parts = [f"<h3>{_esc(heading)} · {_esc(label(MeetingKind, m.kind))}</h3>"]
        if m.locked:
            when = format_date(signed_at.date()) if signed_at else "—"
            parts.append("<p><i>" + _esc(_(
                "Minutes signed on {date}: the meeting opens read-only.").format(date=when))
                + "</i></p>")
        for title, value in ((_("Chaired by"), m.chaired_by_name), (_("Place"), m.place),
                             (_("Participants"), m.participants), (_("Content"), m.content),
                             (_("Conclusions"), m.conclusions)):
            if value:
                parts.append(f"<p><b>{_esc(title)}:</b> {_esc(shown(value))}</p>")
        title = _("Concluding notices")
        parts.append(f"<p><b>{_esc(title)}:</b></p>")
        if not notices:
            parts.append("<p>" + _esc(_("No concluding notice has been issued yet.")) + "</p>")
        for n in notices:
            parts.append("<p>" + _esc(_("No. {number}, issued {date}: {content}").format(
                number=n.number, date=format_date(n.issued_on), content=shown(n.content)))
                + "</p>")
        return "".join(parts)

    # --- the record's own dialogs -----------------------------------------------------------

    def make_meeting_dialog(self, meeting_id: str | None = None) -> MeetingDialog:
        return MeetingDialog(self.ctx, meeting_id, self)

    def make_notice_dialog(self) -> NoticeDialog:
        assert self.current_id is not None
        return NoticeDialog(self.ctx, self.current_id, self)

    def new_record(self) -> None:
        if not self.may_create():
            return
        dialog = self.make_meeting_dialog()
        if self.exec_dialog(dialog):
            self.current_id = dialog.result_id
            self._saved(RecordKind.MEETING, _("The working meeting was saved."))

    def edit_current(self) -> None:
        if self.current_id and self.exec_dialog(self.make_meeting_dialog(self.current_id)):
            self._saved(RecordKind.MEETING, _("The working meeting was saved."))

    def issue_notice(self) -> None:
        if self.current_id and self.exec_dialog(self.make_notice_dialog()):
            self._saved(RecordKind.NOTICE, _("The concluding notice was issued."))

    def _saved(self, kind: RecordKind, message: str) -> None:
        self.ctx.signals.data_changed.emit(kind)
        self.ctx.signals.status_message.emit(message)
