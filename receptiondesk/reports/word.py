"""The periodic report's Word copy (.docx).

The same document as :func:`reports.outputs.write_pdf`, from the same story
(:func:`outputs.report_story`: the unit's header and title, the narrative, the signature
and "Nơi nhận", then the tables of figures in a landscape section, so every figure is the
one the PDF, the workbook and the JSON show); ``documents.docx_writer`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..documents.layout import document_language
from ..i18n import _
from .outputs import _audit_anchor, report_story, report_subtitle
from .periodic import PeriodicReport, narrative_skeleton

#: the size of the audit anchor in the bottom margin (as the PDF draws it)
ANCHOR_SIZE = 7


def write_docx(
    report: PeriodicReport,
    narrative: dict[str, str] | None,
    path: str | Path,
    lang: str | None = None,
    *,
    number: str | None = None,
    recipients: Sequence[str] | None = None,
) -> Path:
    """The report as a Word document at ``path`` (arguments as :func:`write_pdf`)."""
    from ..documents import layout as lay
    from ..documents.docx_writer import WordDocument
    from ..documents.numbering import BLANK_NUMBER, document_symbol

    path = Path(path)
    with document_language(lang):
        narrative = narrative if narrative is not None else narrative_skeleton(report)
        unit = report.unit
        if number is None:
            number = document_symbol(unit.kind, unit.name, "BC", BLANK_NUMBER)
        header = lay.DocumentHeader.for_unit(unit, number=number, on=report.generated_on)
        title = _("Report")
        subtitle = report_subtitle(report)
        doc = WordDocument(str(path), header, f"{lay.caps(title)} \u2014 {subtitle}",
                           footer=_audit_anchor(report), footer_size=ANCHOR_SIZE)
        doc.build_story(report_story(report, narrative, header, title, subtitle, recipients))
    return path
