"""The narrative tab of the Reports page: the periodic report's written sections, filled
from the figures, kept as a draft and issued with the report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...reports.periods import Period
from ..report_keeping import ReportKeepingPanel
from .documents import Produced, Request, compute_report, file_stem, skeleton_for


class NarrativePanel:
    """The narrative part of the Reports page (a mixin of ``ReportsPage``)."""

    def _build_narrative(self) -> QWidget:
        from ...reports.periodic import NARRATIVE_SECTIONS

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

    def _on_narrative_edited(self) -> None:
        self._narrative_edited = True
        self._set_stale(True)

    def narrative_texts(self) -> dict[str, str] | None:
        """The narrative as written; None when every section is empty (the skeleton then)."""
        texts = {k: e.toPlainText().strip() for k, e in self.narrative_edits.items()}
        return texts if any(texts.values()) else None

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


def _period_key(period: Period | None) -> str | None:
    return f"{period.start}/{period.end}" if period else None
