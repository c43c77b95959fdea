"""The periodic report as a signed PDF document, an XLSX workbook or JSON.

The PDF is an official report (DESIGN §5, through ``documents.layout``): the unit's
header, "BÁO CÁO" and its subject with the period, the narrative sections the official
completed, the signature and "Nơi nhận", then the tables of figures as a landscape
appendix. The workbook has one sheet per table with real numbers (percentages as numbers
with a percent format). Both come out in the current language or, on request, in the
other one; JSON carries codes and numbers only.

The tables are described once (:func:`report_tables`) and drawn by both writers, so the
PDF and the workbook always show the same figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import i18n
from ..documents.layout import document_language
from ..exchange.cells import put_text
from ..i18n import N_, _, current_language, format_number, format_percent, pgettext
from ..model.codes import (
    DutyRole,
    Handling,
    InspectionBody,
    Level,
    PetitionType,
    Result,
    label,
)
from .periodic import NARRATIVE_SECTIONS, TREND_TITLES, PeriodicReport, narrative_skeleton

__all__ = [
    "Pct",
    "TableSpec",
    "cell_text",
    "document_language",
    "report_subtitle",
    "report_tables",
    "unit_table",
    "write_json",
    "write_pdf",
    "write_xlsx",
]


# --- the tables, once for every format ----------------------------------------------


@dataclass(frozen=True)
class Pct:
    """A percentage (in percent: 85.3 means 85,3%), or nothing when ``value`` is None."""

    value: float | None


@dataclass
class TableSpec:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: (label, span) groups above the column headers; None: one header row
    groups: list[tuple[str, int]] | None = None
    #: relative widths of the columns (the first column is usually wider)
    widths: list[float] | None = None
    #: how many rows at the end are totals (drawn bold)
    total_rows: int = 0
    #: a short name for the workbook's sheet (at most 31 characters)
    sheet: str = ""


def _level(code: str) -> str:
    return label(Level, code)


def _scope_rows(report: PeriodicReport) -> list[tuple[str, Any]]:
    """(row title, ScopeFigures): each level, then the total; only the total when the
    report covers one unit."""
    if not report.has_subordinates:
        return [(report.unit.name, report.total)]
    return [(_level(s.level), s) for s in report.by_level] + [(_("Total"), report.total)]


def _met(value: bool) -> str:
    return _("Met") if value else _("Not met")


def report_tables(report: PeriodicReport) -> list[TableSpec]:
    """Every table of figures of the report, in the current language."""
    scopes = _scope_rows(report)
    totals = 1 if report.has_subordinates else 0
    tables: list[TableSpec] = []

    people = pgettext("people received", "Citizens")
    reception = TableSpec(
        "reception",
        _("Citizen reception by level"),
        # citizens are people (người, the visits' head counts), visits are log-book rows
        # (lượt): the same two words as the narrative and the dashboard
        [_("Level"), _("Sessions"), people, _("Sessions"), people,
         _("Sessions"), people, _("Sessions"), people, _("Visits"),
         people, _("Delegations"), _("People")],
        groups=[("", 1), (_("Regular"), 2), (_("Unscheduled"), 2), (_("Dialogue"), 2),
                (_("Routine desk"), 2), (_("All sessions"), 2), (_("Delegations"), 2)],
        widths=[3] + [1.2] * 10 + [1.45, 1.2],
        total_rows=totals,
        sheet=_("Reception"),
    )
    for title, s in scopes:
        r = s.reception
        reception.rows.append([
            title, r.regular.sessions, r.regular.citizens, r.unscheduled.sessions,
            r.unscheduled.citizens, r.dialogue.sessions, r.dialogue.citizens,
            r.routine.sessions, r.routine.citizens, r.total.visits, r.total.citizens,
            r.total.delegations, r.total.delegation_citizens,
        ])
    tables.append(reception)

    work = TableSpec(
        "meetings",
        _("Working meetings, concluding notices, inspections and supervisions"),
        [_("Level"), _("Total"), _("Regular"), _("Unscheduled"), _("Concluding notices"),
         _("Inspections held"), _("Supervisions held"), _("Organisations covered"),
         _("Party members covered"), _("Violations found")],
        groups=[("", 1), (_("Working meetings"), 3), ("", 1),
                (_("Inspections and supervisions"), 5)],
        widths=[3] + [1.3] * 9,
        total_rows=totals,
        sheet=_("Meetings and inspections"),
    )
    for title, s in scopes:
        m, ins = s.meetings, s.inspections
        work.rows.append([title, m.meetings, m.regular, m.unscheduled, m.notices,
                          ins.inspections, ins.supervisions, ins.organisations, ins.members,
                          ins.with_violations])
    tables.append(work)

    bodies = TableSpec(
        "inspections",
        _("Inspections and supervisions by body"),
        [_("Conducted by"), _("Inspections held"), _("Supervisions held"), _("Total"),
         _("Organisations covered"), _("Party members covered"), _("Violations found")],
        widths=[3] + [1.3] * 6,
        total_rows=1,
        sheet=_("Inspection bodies"),
    )
    for row in report.inspections_by_body:
        bodies.rows.append([label(InspectionBody, row.body), row.inspections, row.supervisions,
                            row.total, row.organisations, row.members, row.with_violations])
    ins = report.total.inspections
    bodies.rows.append([_("Total"), ins.inspections, ins.supervisions, ins.total,
                        ins.organisations, ins.members, ins.with_violations])
    tables.append(bodies)

    petitions = TableSpec(
        "petitions",
        _("Petitions received, processed and resolved"),
        [_("Level"), _("New"), _("Carried over"), _("Total"), _("To process"),
         _("Processed"), _("Rate"), _("To resolve"), _("Resolved"), _("Rate"),
         _("Open at the end"), _("Overdue at the end")],
        groups=[("", 1), (pgettext("figures", "Received"), 3), (_("Processing"), 3),
                (_("Resolution"), 3), ("", 1), ("", 1)],
        widths=[3] + [1.2] * 11,
        total_rows=totals,
        sheet=_("Petitions"),
    )
    for title, s in scopes:
        p = s.petitions
        petitions.rows.append([
            title, p.received, p.carried_over, p.total, p.to_process, p.processed,
            Pct(p.processed_rate), p.to_resolve, p.resolved, Pct(p.resolved_rate),
            p.open_at_end, p.overdue_at_end,
        ])
    tables.append(petitions)

    for key, title, sheet, first, rows, name in (
        ("by_type", _("Petitions by type"), _("By type"), _("Type"), report.by_type,
         lambda c: label(PetitionType, c)),
        ("by_field", _("Petitions by field"), _("By field"), _("Field"), report.by_field,
         report.field_name),
    ):
        spec = TableSpec(key, title, [first, pgettext("figures", "Received"), _("Share"),
                                      _("Carried over"), _("Processed"), _("Resolved")],
                         widths=[4, 1.3, 1.3, 1.3, 1.3, 1.3], total_rows=1, sheet=sheet)
        for r in rows:
            spec.rows.append([name(r.code), r.received, Pct(r.percent), r.carried_over,
                              r.processed, r.resolved])
        spec.rows.append([
            _("Total"), sum(r.received for r in rows),
            Pct(100.0 if any(r.received for r in rows) else 0.0),
            sum(r.carried_over for r in rows), sum(r.processed for r in rows),
            sum(r.resolved for r in rows),
        ])
        tables.append(spec)

    handling = TableSpec("by_handling", _("Petitions processed by handling"),
                         [_("Handling"), _("Petitions"), _("Share")], widths=[4, 1.5, 1.5],
                         total_rows=1, sheet=_("By handling"))
    for r in report.by_handling:
        handling.rows.append([label(Handling, r.code) if r.code else _("Not recorded"),
                              r.count, Pct(r.percent)])
    handled = sum(r.count for r in report.by_handling)
    handling.rows.append([_("Total"), handled, Pct(100.0 if handled else 0.0)])
    tables.append(handling)

    results = TableSpec("results", _("Results of the cases resolved"),
                        [_("Type"), _("Result"), _("Cases")], widths=[3, 3, 1.5],
                        total_rows=1, sheet=_("Results"))
    for r in report.results:
        results.rows.append([label(PetitionType, r.petition_type),
                             label(Result, r.result) if r.result else _("Not recorded"),
                             r.count])
    results.rows.append([_("Total"), "", sum(r.count for r in report.results)])
    tables.append(results)

    tl = report.timeliness
    timeliness = TableSpec(
        "timeliness", _("On time and late"),
        [_("Step"), _("On time"), _("Late"), _("Without a time limit"), _("On-time rate")],
        widths=[4, 1.5, 1.5, 1.5, 1.5], sheet=_("On time and late"),
    )
    timeliness.rows.append([_("Processing of petitions"), tl.processed_on_time,
                            tl.processed_late, 0, Pct(tl.processed_on_time_rate)])
    timeliness.rows.append([_("Resolution of cases"), tl.resolved_on_time, tl.resolved_late,
                            tl.resolved_without_deadline, Pct(tl.resolved_on_time_rate)])
    tables.append(timeliness)

    trends = TableSpec(
        "trends",
        _("Trend against the previous period ({period})").format(
            period=report.previous.title),
        [_("Item"), _("This period"), _("Previous period"), _("Difference"),
         pgettext("trend", "Change")],
        widths=[4, 1.5, 1.5, 1.5, 1.5], sheet=_("Trends"),
    )
    for t in report.trends:
        trends.rows.append([_(TREND_TITLES[t.code]), t.now, t.before, t.difference,
                            Pct(t.change_percent)])
    tables.append(trends)

    if report.duty:
        duty = TableSpec(
            "duty", _("Reception duty of the heads"),
            [_("Official"), _("Role"), _("Unit"), _("Months"), _("Months met"),
             _("Days owed"), _("Days held"), _("Duty"), _("Months not met"),
             _("Month in progress")],
            widths=[2.4, 2, 2.6, 1, 1, 1, 1, 1.2, 2.2, 1.8], sheet=_("Reception duty"),
        )
        for d in report.duty:
            missed = ", ".join(f"{m.month}/{m.year}" for m in d.months
                               if not m.met and not m.in_progress)
            running = ", ".join(
                _("{month}/{year}: {held} of {required} days so far").format(
                    month=m.month, year=m.year, held=m.held, required=m.required)
                for m in d.months if m.in_progress)
            duty.rows.append([d.name, label(DutyRole, d.role), d.unit_name, d.months_counted,
                              d.months_met, d.required, d.held, _met(d.met), missed,
                              running])
        tables.append(duty)

    if report.has_subordinates:
        tables.append(unit_table(report))
    return tables


def unit_table(report: PeriodicReport) -> TableSpec:
    """One row per unit covered (the unit reported on first, then by level) and the
    total, which is the sum of the rows above it."""
    units = TableSpec(
        "by_unit", _("Figures by unit"),
        [_("Unit"), _("Level"), _("Sessions"), _("Visits"), _("Citizens"), _("Delegations"),
         _("New"), _("Carried over"), _("Processed"), _("Rate"), _("Resolved"),
         _("Open at the end"), _("Overdue at the end")],
        groups=[("", 1), ("", 1), (_("Citizen reception"), 4), (_("Petitions"), 7)],
        widths=[3.6, 1.3, 1.1, 1.1, 1.1, 1.4] + [1.1] * 7,
        total_rows=1,
        sheet=_("By unit"),
    )
    for s in [*report.by_unit, report.total]:
        p, r = s.petitions, s.reception.total
        units.rows.append([
            _("Total") if s is report.total else s.name,
            "" if s is report.total else _level(s.level),
            r.sessions, r.visits, r.citizens, r.delegations, p.received, p.carried_over,
            p.processed, Pct(p.processed_rate), p.resolved, p.open_at_end, p.overdue_at_end,
        ])
    return units


def report_subtitle(report: PeriodicReport) -> str:
    return _("Results of citizen reception and the settlement of complaints and "
             "denunciations, {period}").format(period=report.period.phrase)


def _summary(report: PeriodicReport) -> list[tuple[str, Any]]:
    t = report.total
    p = t.petitions
    rows: list[tuple[str, Any]] = [
        (_("Unit"), report.unit.name),
        (_("Period"), report.period.title),
        (_("From"), report.period.start),
        (_("To"), report.period.end),
        (_("Previous period"), report.previous.title),
        (_("Produced on"), report.generated_on),
        (_("Reception sessions"), t.reception.total.sessions),
        (_("Visits received"), t.reception.total.visits),
        (_("Citizens received"), t.reception.total.citizens),
        (_("Petitions received (new)"), p.received),
        (_("Petitions carried over"), p.carried_over),
        (_("Petitions to process"), p.to_process),
        (_("Petitions processed"), p.processed),
        (_("Processed rate"), Pct(p.processed_rate)),
        (_("Cases to resolve"), p.to_resolve),
        (_("Cases resolved"), p.resolved),
        (_("Resolved rate"), Pct(p.resolved_rate)),
        (_("Open at the end"), p.open_at_end),
        (_("Overdue at the end"), p.overdue_at_end),
    ]
    return rows


# --- JSON ---------------------------------------------------------------------------


def write_json(report: PeriodicReport, path: str | Path) -> Path:
    """The report's figures as JSON (codes and numbers, UTF-8)."""
    path = Path(path)
    path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


# --- XLSX ---------------------------------------------------------------------------

_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_BAD_SHEET_CHARS).strip()[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def write_xlsx(report: PeriodicReport, path: str | Path, lang: str | None = None) -> Path:
    """One sheet per table, real numbers, bold header rows, set column widths."""
    from datetime import date

    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    bold = Font(bold=True)
    with document_language(lang):
        wb = Workbook()
        used: set[str] = set()
        ws = wb.active
        ws.title = _sheet_title(_("Summary"), used)
        _put(ws.cell(row=1, column=1), _("Item"))
        _put(ws.cell(row=1, column=2), _("Value"))
        for cell in ws[1]:
            cell.font = bold
        for name, value in _summary(report):
            ws.append([None, None])
            _put(ws.cell(row=ws.max_row, column=1), name)
            _put(ws.cell(row=ws.max_row, column=2), value)
            if isinstance(value, date):
                ws.cell(row=ws.max_row, column=2).number_format = "dd/mm/yyyy"
        ws.column_dimensions["A"].width = 42
        ws.column_dimensions["B"].width = 40
        ws.freeze_panes = "A2"
        for spec in report_tables(report):
            _table_sheet(wb, spec, used)
        wb.properties.title = report_subtitle(report)
        wb.properties.creator = "ReceptionDesk"
        wb.save(path)
    return path


def _table_sheet(wb, spec: TableSpec, used: set[str]) -> None:
    """One table on a sheet of its own: header rows in bold (groups merged above the
    columns), real numbers and dates, set column widths, the header frozen."""
    from datetime import date

    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws = wb.create_sheet(_sheet_title(spec.sheet or spec.title, used))
    header_rows = 1
    if spec.groups:
        header_rows = 2
    for i, name in enumerate(spec.columns, start=1):
        _put(ws.cell(row=header_rows, column=i), name)
    if spec.groups:
        col = 1
        for text, span in spec.groups:
            if span > 1:
                _put(ws.cell(row=1, column=col), text or None)
                ws.merge_cells(start_row=1, start_column=col, end_row=1,
                               end_column=col + span - 1)
            elif text:
                _put(ws.cell(row=1, column=col), text)
            else:  # the column's own header fills both rows
                _put(ws.cell(row=1, column=col), spec.columns[col - 1])
                ws.cell(row=2, column=col, value=None)
                ws.merge_cells(start_row=1, start_column=col, end_row=2,
                               end_column=col)
            col += span
    for r in range(1, header_rows + 1):
        for cell in ws[r]:
            cell.font = bold
            cell.alignment = wrap
    for values in spec.rows:
        row = ws.max_row + 1
        for i, value in enumerate(values, start=1):
            _put(ws.cell(row=row, column=i), value)
            if isinstance(value, date):
                ws.cell(row=row, column=i).number_format = "dd/mm/yyyy"
    for r in range(ws.max_row - spec.total_rows + 1, ws.max_row + 1):
        if r > header_rows:
            for cell in ws[r]:
                cell.font = bold
    widths = spec.widths or [3] + [1.3] * (len(spec.columns) - 1)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, round(w * 9))
    ws.freeze_panes = ws.cell(row=header_rows + 1, column=2)


def write_tables_xlsx(specs: list[TableSpec], path: str | Path, title: str = "") -> Path:
    """A workbook of the tables, one a sheet (as the periodic report's)."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for spec in specs:
        _table_sheet(wb, spec, used)
    wb.properties.title = title
    wb.properties.creator = "ReceptionDesk"
    wb.save(path)
    return path


def _put(cell, value: Any) -> None:
    if isinstance(value, Pct):
        if value.value is None:
            cell.value = None
        else:
            cell.value = value.value / 100
            cell.number_format = "0.0%"
    elif isinstance(value, str):
        put_text(cell, value)  # a unit or field named "=..." stays text
    else:
        cell.value = value


# --- PDF ----------------------------------------------------------------------------

#: (roman numeral, heading msgid, narrative keys with their sub-numbers)
_CHAPTERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("I", N_("Situation"), (("situation", ""),)),
    ("II", N_("Results"), (("results", ""),)),
    ("III", N_("Assessment"), (("strengths", "1"), ("limitations", "2"))),
    ("IV", N_("Tasks for the next period"), (("tasks", ""),)),
)


def cell_text(value: Any) -> str:
    """A figure as the documents show it (numbers and percentages in the locale's way)."""
    if isinstance(value, Pct):
        return "" if value.value is None else format_percent(value.value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return format_number(value)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return i18n.format_date(value)
    return str(value)


def narrative_flowables(narrative: dict[str, str], st) -> list:
    """The narrative sections under their numbered headings (layout styles ``st``)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from ..documents.layout import caps, para, text

    titles = dict(NARRATIVE_SECTIONS)
    # A heading never stands alone at the foot of a page.
    heading = ParagraphStyle("rd_heading", parent=st.heading, keepWithNext=1)
    subheading = ParagraphStyle("rd_subheading", parent=st.body, keepWithNext=1)
    out: list = []
    for numeral, title, parts in _CHAPTERS:
        out.append(para(f"{numeral}. {caps(_(title))}", heading))
        for key, number in parts:
            if number:
                out.append(Paragraph(f"<b>{text(number)}. {text(_(titles[key]))}</b>",
                                     subheading))
            body = (narrative.get(key) or "").strip()
            for line in [x.strip() for x in body.split("\n") if x.strip()] or ["\u2026"]:
                out.append(para(line, st.body_indent))
    return out


def table_flowables(spec: TableSpec, st, width: float, caption: bool = True) -> list:
    """One table of figures: a caption (unless ``caption`` is False), header rows repeated
    on every page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from ..documents.layout import text

    cell = ParagraphStyle("rd_cell", parent=st.cell, fontSize=9.5, leading=11)
    num = ParagraphStyle("rd_num", parent=cell, alignment=2)  # right
    head = ParagraphStyle("rd_head", parent=st.cell_head, fontSize=9.5, leading=11)
    bold_cell = ParagraphStyle("rd_cell_b", parent=cell, fontName=head.fontName)
    bold_num = ParagraphStyle("rd_num_b", parent=num, fontName=head.fontName)
    widths = spec.widths or [3] + [1.3] * (len(spec.columns) - 1)
    if len(widths) <= 6:  # a narrow table does not stretch across the landscape page
        width = min(width, 190 * mm)
    scale = width / sum(widths)
    col_widths = [w * scale for w in widths]
    data: list[list[Any]] = []
    style = [
        # Empty cells are drawn as strings too: never in the default Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), cell.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    header_rows = 1
    if spec.groups:
        header_rows = 2
        top: list[Any] = []
        col = 0
        for label_text, span in spec.groups:
            top.append(Paragraph(text(label_text), head))
            top.extend([""] * (span - 1))
            if span > 1:
                style.append(("SPAN", (col, 0), (col + span - 1, 0)))
            elif not label_text:
                # an empty group over one column: the column header fills both rows
                style.append(("SPAN", (col, 0), (col, 1)))
            col += span
        data.append(top)
    second = [Paragraph(text(c), head) for c in spec.columns]
    if spec.groups:
        col = 0
        for label_text, span in spec.groups:
            if span == 1 and not label_text:
                data[0][col] = second[col]
                second[col] = ""
            col += span
    data.append(second)
    first_total = len(spec.rows) - spec.total_rows
    for i, values in enumerate(spec.rows):
        is_total = i >= first_total
        row = []
        for value in values:
            numeric = isinstance(value, int | float | Pct) and not isinstance(value, bool)
            if numeric:
                row.append(Paragraph(text(cell_text(value)), bold_num if is_total else num))
            else:
                row.append(Paragraph(text(cell_text(value)),
                                     bold_cell if is_total else cell))
        data.append(row)
    style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")))
    table = Table(data, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    if not caption:
        return [table, Spacer(1, 6)]
    heading = Paragraph(f"<b>{text(spec.title)}</b>",
                        ParagraphStyle("rd_caption", parent=st.body, keepWithNext=1,
                                       spaceAfter=2))
    if len(spec.rows) < 25:  # a short table is never split from its caption
        return [KeepTogether([heading, table]), Spacer(1, 6)]
    return [heading, table, Spacer(1, 6)]


def _recipients(report: PeriodicReport, narrative: dict[str, str] | None) -> list[str]:
    """The "Nơi nhận" as the official left it in the narrative, else the defaults."""
    from .periodic import default_recipients

    edited = (narrative or {}).get("recipients")
    if edited and edited.strip():
        lines = [x.strip().lstrip("-").strip() for x in edited.splitlines()]
        return [x for x in lines if x]
    return default_recipients(report.unit)


def _audit_anchor(report: PeriodicReport) -> str:
    """The audit log's head as the paper carries it ("" for a database without a log)."""
    if not report.audit_seq:
        return ""
    return _("Audit log: entry {seq}, {fingerprint}").format(
        seq=report.audit_seq, fingerprint=report.audit_fingerprint)


def write_pdf(
    report: PeriodicReport,
    narrative: dict[str, str] | None,
    path: str | Path,
    lang: str | None = None,
    *,
    number: str | None = None,
    recipients: Sequence[str] | None = None,
) -> int:
    """The official report document; returns its number of pages.

    ``narrative`` is the text the official completed (the keys of
    ``NARRATIVE_SECTIONS``); None puts in the skeleton built from the figures.
    ``number`` None leaves the number blank with the unit's symbol: "Số: ……/BC-UBND"
    (Decree 30) or "Số ……-BC/ĐU" (Guidance 36).
    """
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from ..documents import fonts
    from ..documents import layout as lay
    from ..documents.numbering import BLANK_NUMBER, document_symbol

    path = Path(path)
    with document_language(lang):
        narrative = narrative if narrative is not None else narrative_skeleton(report)
        unit = report.unit
        if number is None:
            number = document_symbol(unit.kind, unit.name, "BC", BLANK_NUMBER)
        header = lay.DocumentHeader(
            kind=unit.kind if unit.kind in ("party", "state") else "state",
            issuing_body=unit.name,
            parent_body=lay.parent_body_of(unit),
            number=number,
            place=unit.place_name,
            on=report.generated_on,
        )
        title = _("Report")
        subtitle = report_subtitle(report)
        fonts.register_fonts()
        pages: list[int] = []

        anchor = _audit_anchor(report)

        def on_page(canvas, doc) -> None:
            canvas.saveState()
            canvas.setFont(fonts.REGULAR, 13)
            land = doc.pageTemplate.id == "landscape"
            if doc.page > 1:
                w, h = lay.page_size(land)
                x = lay.MARGIN_LEFT + lay.frame_width(land) / 2
                canvas.drawCentredString(x, h - lay.MARGIN_TOP / 2 - 13 / 3, str(doc.page))
            if anchor:  # small, in the bottom margin of every page
                canvas.setFont(fonts.REGULAR, 7)
                canvas.drawRightString(lay.MARGIN_LEFT + lay.frame_width(land),
                                       lay.MARGIN_BOTTOM / 2, anchor)
            canvas.restoreState()
            pages.append(doc.page)

        def frame(land: bool) -> Frame:
            return Frame(lay.MARGIN_LEFT, lay.MARGIN_BOTTOM, lay.frame_width(land),
                         lay.frame_height(land), leftPadding=0, rightPadding=0,
                         topPadding=0, bottomPadding=0, id="land" if land else "port")

        doc = BaseDocTemplate(
            str(path),
            pagesize=lay.page_size(False),
            leftMargin=lay.MARGIN_LEFT, rightMargin=lay.MARGIN_RIGHT,
            topMargin=lay.MARGIN_TOP, bottomMargin=lay.MARGIN_BOTTOM,
            title=f"{lay.caps(title)} \u2014 {subtitle}",
            author=unit.name, creator="ReceptionDesk",
            initialFontName=fonts.REGULAR, initialFontSize=lay.BODY_SIZE,
            lang="vi-VN" if current_language() == "vi" else "en-GB",
        )
        doc.addPageTemplates([
            PageTemplate("portrait", [frame(False)], onPage=on_page,
                         pagesize=lay.page_size(False)),
            PageTemplate("landscape", [frame(True)], onPage=on_page,
                         pagesize=lay.page_size(True)),
        ])
        doc.build(report_story(report, narrative, header, title, subtitle, recipients))
    return len(pages)


def report_story(report: PeriodicReport, narrative: dict[str, str], header: Any, title: str,
                 subtitle: str, recipients: Sequence[str] | None) -> list:
    """What the report says, in order, for the PDF and its Word copy alike: the header,
    the title, the narrative kept with the signature and "Nơi nhận", then the tables of
    figures on landscape pages."""
    from reportlab.platypus import KeepTogether, NextPageTemplate, PageBreak, Spacer

    from ..documents import layout as lay

    unit = report.unit
    st = lay.styles(header.kind)
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
    return story
