"""The periodic report written to a file, for the command line and the window alike: through
the door out (``services.outputs``), its permission checked before its figures are
computed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from ..services.errors import ValidationError
from .periods import Period

if TYPE_CHECKING:  # the figures' module is large: loaded when a report is computed
    from .periodic import PeriodicReport

#: the formats a periodic report is written in
FORMATS = ("pdf", "docx", "xlsx", "json")


@dataclass
class SavedReport:
    """A periodic report written to a file: its figures, and its pages for a PDF."""

    report: PeriodicReport
    pages: int | None = None


def save_periodic_report(db, unit_id: str, period: Period, out: Path, fmt: str, *,
                         lang: str | None = None, narrative: dict[str, str] | None = None,
                         report: PeriodicReport | None = None) -> SavedReport:
    """The periodic report to a file from the command line and the window alike, through
    the door out (``services.outputs``: ``documents.print``, the audit entry with its
    format, the protection of the narrative, the file written whole). The permission is
    checked before the figures are computed. ``report``: figures already computed for the
    same unit and period."""
    from ..services import outputs
    from .periodic import periodic_report

    if fmt not in FORMATS:
        raise ValidationError.single(
            "format", _("Choose the format with --format pdf, docx, xlsx or json."))
    with db.session() as session:
        _may_print_reports(session)  # before the figures
        if report is None:
            report = periodic_report(session, unit_id, period)
        pages = outputs.write_report(session, report, fmt, out, lang=lang, narrative=narrative)
    return SavedReport(report, pages if fmt == "pdf" else None)


def _may_print_reports(session) -> None:
    """Refuse a role that may not print the periodic report (the door's own permission),
    before its figures are computed."""
    from ..services import outputs
    from ..services.accounts import require

    permission = outputs.OUTPUTS["periodic_report"].permission
    if permission is not None:
        require(session, permission)


def fill_report_template(db, unit_id: str, period: Period, template: Path, out: Path, *,
                         report: PeriodicReport | None = None):
    """The upper level's workbook filled with the report's figures, through the door out,
    from the command line and the window alike."""
    from ..services import outputs
    from .periodic import periodic_report
    from .template import check_template_file

    check_template_file(template)  # before the figures are computed
    with db.session() as session:
        _may_print_reports(session)  # before the figures
        if report is None:
            report = periodic_report(session, unit_id, period)
        return outputs.fill_report_template(session, report, template, out)
