"""Periodic reports kept: the narrative drafted over several sittings, then issued.

* **Drafts.** The narrative of a report (per unit, period kind and period) is saved as a
  draft; every save is a revision kept with who saved it and when, and the draft reopens
  where it was left. A new draft starts from the sentences computed from the figures
  (``reports.periodic.narrative_skeleton``), which the head may rewrite.
* **Issuing** gives the report its number (per unit and year, as minutes and notices:
  ``services.numbering``) and keeps exactly what was issued — the figures as JSON, the
  text, the PDF and its SHA-256 — which never change afterwards (``IssuedReport``'s
  update hook refuses). A report for a period already issued is a correction: it names
  the report it replaces. An issued report leaves the office, so protected people are
  blotted out of its text whoever issues it (Denunciations Law 2018 art. 47).
* **Reprinting** an issued report gives its PDF byte for byte, through the door out.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, current_language, format_date
from ..model import IssuedReport, ReportDraft, ReportDraftRevision, Unit, utcnow
from ..reports.periods import Period
from ..text import nfc
from . import audit, numbering, protection
from .accounts import current_user, require
from .errors import FieldError, NotFoundError, ValidationError
from .validation import TEXT_LENGTH, too_long

ISSUE_PERMISSION = "reports.issue"
DRAFT_PERMISSION = "documents.print"


@dataclass(frozen=True)
class DraftState:
    """A draft as it was last saved (revision 0: nothing saved yet)."""

    narrative: dict[str, str]
    revision: int
    saved_at: datetime | None
    saved_by: str


@dataclass(frozen=True)
class DraftRevision:
    revision: int
    saved_at: datetime
    saved_by: str
    narrative: dict[str, str]


@dataclass(frozen=True)
class IssuedSummary:
    """One issued report as a list shows it."""

    id: str
    number: str
    issued_on: date
    period_start: date
    period_end: date
    summary: str
    signer: str
    recipients: list[str]
    replaces_number: str
    replaced_by_number: str
    pdf_sha256: str
    pages: int
    unit_id: str

    def notes(self) -> list[str]:
        """"replaces 01-BC/ĐU", "replaced by 03-BC/ĐU": how it stands among corrections."""
        out = []
        if self.replaces_number:
            out.append(_("replaces {number}").format(number=self.replaces_number))
        if self.replaced_by_number:
            out.append(_("replaced by {number}").format(number=self.replaced_by_number))
        return out


def _sections() -> dict[str, str]:
    from ..reports.periodic import NARRATIVE_SECTIONS

    return dict(NARRATIVE_SECTIONS)


def check_narrative(narrative: dict[str, str]) -> dict[str, str]:
    """The narrative's sections, composed (NFC) and trimmed at the ends; an unknown
    section or one too long is refused by its title."""
    sections = _sections()
    out: dict[str, str] = {}
    errors = []
    for key, text in narrative.items():
        if key not in sections:
            raise ValidationError.single("narrative", _(
                "The report has no section “{key}”.").format(key=key))
        text = nfc((text or "").strip())
        if len(text) > TEXT_LENGTH:
            errors.append((key, too_long(_(sections[key]), TEXT_LENGTH)))
        out[key] = text
    if errors:
        raise ValidationError([FieldError(k, m) for k, m in errors])
    return out


def _draft_row(session: Session, unit_id: str, period: Period) -> ReportDraft | None:
    return session.scalar(select(ReportDraft).where(
        ReportDraft.unit_id == unit_id, ReportDraft.period_kind == period.kind,
        ReportDraft.period_start == period.start, ReportDraft.period_end == period.end))


def load_draft(session: Session, unit_id: str, period: Period) -> DraftState | None:
    """The saved draft of the unit's report for the period (None: never saved)."""
    row = _draft_row(session, unit_id, period)
    if row is None:
        return None
    return DraftState(json.loads(row.narrative), row.revision, row.updated_at, row.saved_by)


def save_draft(session: Session, unit_id: str, period: Period,
               narrative: dict[str, str]) -> DraftState:
    """Keep the narrative as the draft's next revision (an unchanged text is not a new
    revision)."""
    require(session, DRAFT_PERMISSION)
    if session.get(Unit, unit_id) is None:
        raise NotFoundError(_("The unit no longer exists."))
    text = check_narrative(narrative)
    user = current_user()
    name = user.username if user else ""
    row = _draft_row(session, unit_id, period)
    if row is None:
        row = ReportDraft(unit_id=unit_id, period_kind=period.kind, period_start=period.start,
                          period_end=period.end, narrative="{}", revision=0)
        session.add(row)
    elif json.loads(row.narrative) == text:
        return DraftState(text, row.revision, row.updated_at, row.saved_by)
    row.revision += 1
    row.narrative = json.dumps(text, ensure_ascii=False, sort_keys=True)
    row.saved_by = name
    session.flush()
    now = utcnow()
    session.add(ReportDraftRevision(unit_id=unit_id, draft_id=row.id, revision=row.revision,
                                    narrative=row.narrative, saved_at=now, saved_by=name))
    session.flush()
    return DraftState(text, row.revision, now, name)


def draft_history(session: Session, unit_id: str, period: Period) -> list[DraftRevision]:
    """Every save of the draft, the newest first."""
    row = _draft_row(session, unit_id, period)
    if row is None:
        return []
    revisions = session.scalars(select(ReportDraftRevision).where(
        ReportDraftRevision.draft_id == row.id).order_by(ReportDraftRevision.revision.desc()))
    return [DraftRevision(r.revision, r.saved_at, r.saved_by, json.loads(r.narrative))
            for r in revisions]


# --- issuing ---------------------------------------------------------------------------


def _in_force(session: Session, unit_id: str, period: Period) -> IssuedReport | None:
    """The report issued for the period that no later report replaces."""
    rows = list(session.scalars(select(IssuedReport).where(
        IssuedReport.unit_id == unit_id, IssuedReport.period_kind == period.kind,
        IssuedReport.period_start == period.start, IssuedReport.period_end == period.end)))
    replaced = {r.replaces_id for r in rows}
    current = [r for r in rows if r.id not in replaced]
    return current[-1] if current else None


def issue_report(session: Session, unit_id: str, period: Period,
                 narrative: dict[str, str] | None = None, *, replaces_id: str | None = None,
                 lang: str | None = None, today: date | None = None) -> IssuedReport:
    """Issue the unit's report for the period under its next number, keeping figures, text
    and PDF as issued. ``narrative`` None: the saved draft, else the skeleton from the
    figures. A period already issued takes ``replaces_id`` (a correction)."""
    from ..reports.outputs import report_subtitle, write_pdf
    from ..reports.periodic import default_recipients, narrative_skeleton, periodic_report

    require(session, ISSUE_PERMISSION)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(_("The unit no longer exists."))
    today = today or date.today()
    current = _in_force(session, unit_id, period)
    replaced = _check_replaces(session, unit_id, period, current, replaces_id)
    report = periodic_report(session, unit_id, period, today=today)
    if narrative is None:
        draft = load_draft(session, unit_id, period)
        narrative = draft.narrative if draft else narrative_skeleton(report)
    text = check_narrative(narrative)
    shield = protection.shield(session, cleared=False)  # the report leaves the office
    text = {k: shield.text(v) for k, v in text.items()}
    recipients = [x.strip().lstrip("-").strip() for x in text.get("recipients", "").splitlines()]
    recipients = [x for x in recipients if x] or default_recipients(report.unit)
    number = numbering.next_report_number(session, unit, today.year)
    lang = lang or current_language()
    with tempfile.TemporaryDirectory(prefix="receptiondesk-issue-") as folder:
        path = Path(folder) / "report.pdf"
        pages = write_pdf(report, text, path, lang=lang, number=number, recipients=recipients)
        pdf = path.read_bytes()
    user = current_user()
    row = IssuedReport(
        unit_id=unit_id, number=number, period_kind=period.kind, period_start=period.start,
        period_end=period.end, issued_on=today, issued_by=user.username if user else "",
        summary=report_subtitle(report),
        signer=" ".join(x for x in (report.unit.head_position, report.unit.head_name) if x),
        recipients="\n".join(recipients), language=lang,
        narrative=json.dumps(text, ensure_ascii=False, sort_keys=True),
        figures=json.dumps(report.as_dict(), ensure_ascii=False, sort_keys=True, default=str),
        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), pages=pages,
        replaces_id=replaced.id if replaced else None)
    session.add(row)
    session.flush()
    audit.record(session, "issue", "issued_report", row.id, unit_id,
                 {"number": number, "from": period.start.isoformat(),
                  "to": period.end.isoformat(), "sha256": row.pdf_sha256[:16],
                  "replaces": replaced.number if replaced else None})
    return row


def _check_replaces(session: Session, unit_id: str, period: Period,
                    current: IssuedReport | None, replaces_id: str | None
                    ) -> IssuedReport | None:
    if replaces_id is None:
        if current is not None:
            raise ValidationError.single("replaces", _(
                "The report for {period} was issued as {number} on {day}; issue a correction "
                "that replaces it.").format(period=_period_words(current), number=current.number,
                                            day=format_date(current.issued_on)))
        return None
    old = session.get(IssuedReport, replaces_id)
    if old is None or old.unit_id != unit_id:
        raise NotFoundError(_("The report to replace does not exist."))
    if current is None or old.id != current.id:
        raise ValidationError.single("replaces", _(
            "Report {number} was already replaced; a correction replaces the report in "
            "force.").format(number=old.number))
    if (old.period_start, old.period_end, old.period_kind) != (
            period.start, period.end, period.kind):
        raise ValidationError.single("replaces", _(
            "Report {number} covers another period; a correction covers the same period."
        ).format(number=old.number))
    return old


def _period_words(row: IssuedReport) -> str:
    return _("{start} – {end}").format(start=format_date(row.period_start),
                                       end=format_date(row.period_end))


def issued_reports(session: Session, unit_ids: list[str] | None = None,
                   date_from: date | None = None, date_to: date | None = None
                   ) -> list[IssuedSummary]:
    """The reports issued (by the units, between the days), oldest first."""
    q = select(IssuedReport).order_by(IssuedReport.issued_on, IssuedReport.created_at)
    if unit_ids is not None:
        q = q.where(IssuedReport.unit_id.in_(unit_ids))
    if date_from is not None:
        q = q.where(IssuedReport.issued_on >= date_from)
    if date_to is not None:
        q = q.where(IssuedReport.issued_on <= date_to)
    rows = list(session.scalars(q))
    numbers = {r.id: r.number for r in rows}
    missing = {r.replaces_id for r in rows if r.replaces_id and r.replaces_id not in numbers}
    if missing:
        numbers.update({i: n for i, n in session.execute(
            select(IssuedReport.id, IssuedReport.number).where(IssuedReport.id.in_(missing)))})
    replaced_by = {i: n for i, n in session.execute(
        select(IssuedReport.replaces_id, IssuedReport.number).where(
            IssuedReport.replaces_id.in_(list(numbers))))}
    return [IssuedSummary(r.id, r.number, r.issued_on, r.period_start, r.period_end,
                          r.summary, r.signer, r.recipients.splitlines(),
                          numbers.get(r.replaces_id or "", ""), replaced_by.get(r.id, ""),
                          r.pdf_sha256, r.pages, r.unit_id) for r in rows]


def issued_for(session: Session, unit_id: str, period: Period) -> list[IssuedSummary]:
    """The reports issued for the unit's period, the first first."""
    return [r for r in issued_reports(session, [unit_id])
            if (r.period_start, r.period_end) == (period.start, period.end)]


def get_issued(session: Session, issued_id: str) -> IssuedReport:
    row = session.get(IssuedReport, issued_id)
    if row is None:
        raise NotFoundError(_("There is no issued report with this id."))
    return row


def find_issued(session: Session, number: str, unit_id: str | None = None) -> IssuedReport:
    """An issued report by its number (the newest of that number when years repeat it)."""
    q = select(IssuedReport).where(IssuedReport.number == nfc(number.strip()))
    if unit_id is not None:
        q = q.where(IssuedReport.unit_id == unit_id)
    row = session.scalars(q.order_by(IssuedReport.issued_on.desc())).first()
    if row is None:
        raise NotFoundError(_("There is no issued report numbered {number}.").format(
            number=number))
    return row
