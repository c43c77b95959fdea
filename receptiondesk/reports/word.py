"""The periodic report's Word copy (.docx).

The same document as :func:`reports.outputs.write_pdf`, built from the same pieces: the
unit's header and the title of ``documents.layout``, the narrative of
:func:`outputs.narrative_flowables`, the signature and "Nơi nhận" of
:func:`layout.signature_rows`, then the appendix of figures in a landscape section, each
table of :func:`outputs.report_tables` drawn by :func:`outputs.table_flowables` (so every
figure is the one the PDF, the workbook and the JSON show); ``documents.docx_writer``
writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..documents.layout import document_language
from ..i18n import _
from .outputs import (
    _audit_anchor,
    _recipients,
    narrative_flowables,
    report_subtitle,
    report_tables,
    table_flowables,
)
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
    from reportlab.platypus import KeepTogether, NextPageTemplate, PageBreak, Spacer

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
        st = lay.styles(header.kind)
        title = _("Report")
        subtitle = report_subtitle(report)
        doc = WordDocument(str(path), header, f"{lay.caps(title)} \u2014 {subtitle}",
                           footer=_audit_anchor(report), footer_size=ANCHOR_SIZE)
        story: list = lay.header_flowables(header)
        story += lay.title_flowables(header, title, subtitle)
        body = narrative_flowables(narrative, st)
        signature = lay.signature_of(unit, unit.head_position, unit.head_name)
        rows = lay.signature_rows([signature], header.kind,
                                  _recipients(report, narrative) if recipients is None
                                  else recipients)
        story += body[:-1]
        story.append(KeepTogether(body[-1:] + [Spacer(1, 6), rows[0]]))
        story += rows[1:]
        story += [NextPageTemplate("landscape"), PageBreak()]
        story.append(lay.para(lay.caps(_("Appendix: figures")), st.title))
        story.append(lay.para(subtitle, st.subtitle))
        story.append(Spacer(1, 8))
        width = lay.frame_width(True)
        for spec in report_tables(report):
            story += table_flowables(spec, st, width)
        doc.build_story(story)
    return path
