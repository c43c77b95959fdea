"""The register of outgoing documents as a printed book (PDF, landscape A4 with the unit's
header) and as a workbook: one table, drawn by the periodic report's table writers so
both look and number the same. The entries come from ``services.outgoing_register``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..documents.layout import document_language
from ..i18n import _, format_date
from .outputs import TableSpec, table_flowables, write_tables_xlsx


def register_table(entries: Sequence[Any]) -> TableSpec:
    spec = TableSpec(
        "register",
        _("Register of outgoing documents"),
        [_("No."), _("Number and symbol"), _("Date"), _("Kind and summary"), _("Signer"),
         _("Recipients"), _("Filed in"), _("Notes")],
        widths=[0.6, 1.7, 1.2, 4.2, 1.7, 2.2, 1.8, 1.4],
        sheet=_("Outgoing documents"),
    )
    for i, e in enumerate(entries, start=1):
        spec.rows.append([i, e.number, e.issued_on, f"{e.kind_label}: {e.summary}"
                          if not e.summary.startswith(e.kind_label) else e.summary,
                          e.signer, e.recipients, e.filed, e.note])
    return spec


def _period_words(start: date, end: date) -> str:
    return _("From {start} to {end}").format(start=format_date(start), end=format_date(end))


def write_register_pdf(unit: Any, entries: Sequence[Any], start: date, end: date,
                       path: str | Path, lang: str | None = None) -> int:
    """The register as a printed book; returns its pages."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    from ..documents import layout as lay

    with document_language(lang):
        header = lay.DocumentHeader.for_unit(unit, number=None, on=None)
        st = lay.styles(header.kind)
        title = _("Register of outgoing documents")
        story: list = lay.header_flowables(header, landscape=True)
        story += lay.title_flowables(header, title, _period_words(start, end))
        story.append(Spacer(1, 3 * mm))
        spec = register_table(entries)
        if spec.rows:
            story += table_flowables(spec, st, lay.frame_width(True), caption=False)
        else:
            story.append(Paragraph(lay.text(_("No document was issued in this period.")),
                                   st.body))
        return lay.new_doc(str(path), header, title, landscape=True).build_story(story)


def write_register_xlsx(entries: Sequence[Any], start: date, end: date, path: str | Path,
                        lang: str | None = None) -> Path:
    with document_language(lang):
        return write_tables_xlsx([register_table(entries)], path,
                                 title=_("Register of outgoing documents") + " — "
                                 + _period_words(start, end))
