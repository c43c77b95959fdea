"""Reports: the documents the office prints. Printing arrives with a later issue; until
then the page says so plainly and lists what will be printed here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..i18n import N_, _
from .context import AppContext
from .page import Page

DOCUMENTS = (
    N_("Minutes of a reception session, a visit, a dialogue or a working meeting"),
    N_("Concluding notices after sessions and meetings"),
    N_("The citizen reception log book (Form 03, Circular 04/2021/TT-TTCP)"),
    N_("Appointment slips and receipts for documents handed in"),
    N_("Periodic reports: monthly, first quarter, 6 months, 9 months, annual and full term"),
)


class ReportsPage(Page):
    name = "reports"
    title = N_("Reports")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.heading = QLabel()
        self.heading.setObjectName("reports_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.notice = QLabel()
        self.notice.setObjectName("reports_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fff4d6; color: #5a3b00; padding: 10px; border-radius: 4px;"
        )
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.documents = QLabel()
        self.documents.setObjectName("reports_documents")
        self.documents.setWordWrap(True)
        self.documents.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        for widget in (self.heading, self.notice, self.intro, self.documents):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Reports and documents"))
        self.notice.setText(
            _("Printing is not available in this version yet. The records you enter now will "
              "be printed from this page once it is added; nothing needs to be typed again.")
        )
        self.intro.setText(_("This page will print:"))
        items = "".join(f"<li>{_html(_(doc))}</li>" for doc in DOCUMENTS)
        self.documents.setText(f"<ul style='margin-left: 0'>{items}</ul>")

    def print_current(self) -> None:
        self.ctx.signals.status_message.emit(_("Printing is not available in this version yet."))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
