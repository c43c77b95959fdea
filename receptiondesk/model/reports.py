"""Periodic reports kept: the narrative's draft with its history, and the reports issued.

A draft is the text the office head writes over several sittings for one unit and period
(one row, its saves kept in ``report_draft_revisions``). Issuing gives the report its
number and keeps exactly what was issued — figures, text and the PDF — never changed
afterwards; a correction is a new issued report naming the one it replaces.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, OwnedMixin, utcnow


class ReportDraft(OwnedMixin, Base):
    __tablename__ = "report_drafts"
    __table_args__ = (UniqueConstraint("unit_id", "period_kind", "period_start", "period_end",
                                       name="uq_report_drafts_period"),)

    period_kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    #: the sections as JSON (section key -> text)
    narrative: Mapped[str] = mapped_column(Text, default="{}")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    saved_by: Mapped[str] = mapped_column(String(60), default="")


class ReportDraftRevision(OwnedMixin, Base):
    __tablename__ = "report_draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "revision",
                                       name="uq_report_draft_revisions_draft_revision"),)

    draft_id: Mapped[str] = mapped_column(ForeignKey("report_drafts.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[str] = mapped_column(Text, default="{}")
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(60), default="")


class IssuedReport(OwnedMixin, Base):
    __tablename__ = "issued_reports"

    number: Mapped[str] = mapped_column(String(60), index=True)
    period_kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(60), default="")
    #: the title the report was issued under ("Báo cáo công tác … 6 tháng đầu năm 2026")
    summary: Mapped[str] = mapped_column(Text, default="")
    signer: Mapped[str] = mapped_column(String(200), default="")
    #: "Nơi nhận", one a line
    recipients: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="vi")
    narrative: Mapped[str] = mapped_column(Text, default="{}", deferred=True)
    figures: Mapped[str] = mapped_column(Text, default="{}", deferred=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("issued_reports.id"))


class IssuedReportLocked(Exception):
    """An issued report was about to change: what was issued is kept as issued."""


@event.listens_for(IssuedReport, "before_update")
def _issued_reports_never_change(_mapper, _connection, target: IssuedReport) -> None:
    raise IssuedReportLocked(target.number)
