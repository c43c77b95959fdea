"""The audit viewer (the office head's): every entry of the audit log, newest first, a
page at a time, filtered by user, action and dates, and a check of the hash chain."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..i18n import N_, _, format_datetime, format_number, ngettext
from ..services import accounts, audit
from ..services.audit_labels import record_kind_label
from ..services.errors import ServiceError
from . import ops
from .context import AppContext
from .forms import ERROR_STYLE, compact, date_edit, fill_combo, from_qdate
from .page import Page
from .paged import Column, PagedTableModel, Row

COLUMNS = (
    Column(N_("No."), numeric=True),
    Column(N_("Time (UTC)")),
    Column(N_("User")),
    Column(N_("Action")),
    Column(N_("Record")),
    Column(N_("What changed")),
)
WIDTHS = [60, 125, 90, 215, 150, 500]
#: how many characters of an entry's detail the list shows
DETAIL = 300


def entry_row(e) -> Row:
    kind = record_kind_label(e.record_kind) if e.record_kind else ""
    # the last digits: ids made in one run (the demo's, an import's) share their first
    # ones, which named three different petitions "01a24dcc"
    record = " ".join(x for x in (kind, (e.record_id or "")[-8:]) if x)
    text = audit.describe_detail(e.detail)
    if len(text) > DETAIL:
        text = text[: DETAIL - 1] + "…"
    return Row(str(e.seq), [str(e.seq), format_datetime(e.at), e.username or _("(system)"),
                            audit.action_label(e.action), record, text],
               "overdue" if e.action in ("login_failed", "recovery") else None,
               {0: e.seq})


class AuditPage(Page):
    name = "audit"
    title = N_("Audit log")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.user = compact(QComboBox(), 8)
        self.user.setObjectName("audit_user")
        self.action = compact(QComboBox(), 12)
        self.action.setObjectName("audit_action")
        self.use_dates = QCheckBox()
        self.date_from = date_edit(date.today().replace(day=1))
        self.date_to = date_edit(date.today())
        self.verify_button = QPushButton()
        self.verify_button.setObjectName("audit_verify")
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setObjectName("audit_result")
        self.result.setWordWrap(True)
        self.count = QLabel()
        self.notice = QLabel()
        self.notice.setStyleSheet(ERROR_STYLE)
        self.notice.setWordWrap(True)
        for w in (self.user, self.action):
            w.currentIndexChanged.connect(lambda _i: self.reload())
        self.use_dates.toggled.connect(lambda _on: self.reload())
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.reload() if self.use_dates.isChecked()
                                  else None)
        self.model = PagedTableModel(COLUMNS, None, self, plan=self._plan, db=self.ctx.db,
                                     failed=self._refused)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for i, w in enumerate(WIDTHS):
            self.table.setColumnWidth(i, w)
        # what changed takes the rest: no sideways scrolling, and the action is whole at
        # 1024 px ("Xem danh tính người tố cáo" was cut)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.filters_label, self.action_label, self.from_label = QLabel(), QLabel(), QLabel()
        filters = QHBoxLayout()
        for w in (self.filters_label, self.user, self.action_label, self.action,
                  self.use_dates, self.date_from, self.from_label, self.date_to):
            filters.addWidget(w)
        filters.addStretch(1)
        status = QHBoxLayout()  # a line of its own: the filters fit at 1024 px
        status.addWidget(self.count)
        status.addStretch(1)
        status.addWidget(self.verify_button)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(filters)
        body.addLayout(status)
        body.addWidget(self.result)
        body.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.body, 1)
        self.retranslate()

    def allowed(self) -> bool:
        actor = accounts.current_user()
        if actor is None:
            with self.ctx.db.session() as s:
                return not accounts.users_exist(s)
        return actor.may("audit.view")

    def retranslate(self) -> None:
        self.filters_label.setText(_("User:"))
        self.action_label.setText(_("Action:"))
        self.use_dates.setText(_("From"))
        self.from_label.setText(_("to"))
        self.verify_button.setText(_("Verify chain"))
        self.notice.setText(_("Only the office head reads the audit log."))
        fill_combo(self.action, [(a, audit.action_label(a)) for a in audit.ACTIONS],
                   blank=_("Every action"))
        self.model.retranslate()

    def _fill_users(self) -> None:
        with self.ctx.db.session() as s:
            names = audit.usernames(s)
        fill_combo(self.user, [(n, n) for n in names], blank=_("Everyone"))

    def activate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        allowed = self.allowed()
        self.body.setVisible(allowed)
        self.notice.setVisible(not allowed)
        if allowed:
            self._fill_users()
            self.reload()

    def current_filter(self) -> audit.AuditFilter:
        f = audit.AuditFilter(username=self.user.currentData() or "",
                              action=self.action.currentData() or "")
        if self.use_dates.isChecked():
            f.date_from = from_qdate(self.date_from.date())
            f.date_to = from_qdate(self.date_to.date())
        return f

    def _plan(self, offset: int, limit: int, _sort, _desc):
        f = self.current_filter()
        return lambda s: [entry_row(e) for e in audit.list_entries(s, f, offset, limit)]

    def _refused(self, exc: Exception) -> None:
        if not isinstance(exc, ServiceError):
            ops.report_error(self, exc)
            return
        self.notice.setText(str(exc))
        self.notice.show()

    def reload(self) -> None:
        if not self.allowed():
            return
        self.model.reload()
        f = self.current_filter()

        def show(n: int) -> None:
            self.count.setText(ngettext("{count} entry", "{count} entries", n).format(
                count=format_number(n)))

        ops.query(self, self.ctx.db, lambda s: audit.count_entries(s, f), show, key="count",
                  failure=lambda exc: show(0) if isinstance(exc, ServiceError)
                  else ops.report_error(self, exc))

    def verify(self) -> None:
        """Check the whole chain on a worker (a province's log takes a while); the button
        waits for the answer."""
        self.verify_button.setEnabled(False)

        def done(problems: list[str]) -> None:
            self.verify_button.setEnabled(True)
            self._show_verdict(problems)

        def failed(exc: Exception) -> None:
            self.verify_button.setEnabled(True)
            ops.report_error(self, exc)

        ops.query(self, self.ctx.db, audit.verify_chain, done, key="verify", failure=failed)

    def _show_verdict(self, problems: list[str]) -> None:
        if problems:
            self.result.setStyleSheet(ERROR_STYLE)
            self.result.setText("\n".join(problems))
        else:
            self.result.setStyleSheet("color: #1b5e20;")
            self.result.setText(_("The audit log is intact: no entry was changed or deleted."))

    def set_dates(self, start: date, end: date) -> None:
        """Filter on a period (tests, and a future "this month" button)."""
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))
        self.use_dates.setChecked(True)
