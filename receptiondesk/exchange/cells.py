"""The one guard every spreadsheet cell of text goes through (CSV and XLSX alike).

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and
Excel also after a tab or a carriage return; a unit, a field name or a petition's content
typed that way by anyone must open as the text it is (the CSV/formula injection of OWASP's
"CSV Injection" page). Every writer of CSV or XLSX — the table exports, the national
export, the log book workbook and the periodic report — calls these functions for text.

- CSV: :func:`guard_formula` puts ``'`` before such text; the reader
  (:mod:`receptiondesk.exchange.tables`) takes it off again, so files round-trip.
- XLSX: :func:`text_cell` / :func:`put_text` store such text as a string cell with
  Excel's quote prefix (what typing ``'`` in Excel does): it shows as typed, stays text
  when the cell is edited, and is never a formula.
"""

from __future__ import annotations

import re
from typing import Any

#: Text a spreadsheet would take for a formula (or the start of one).
FORMULA_LIKE = re.compile(r"^[=+\-@\t\r]")
#: the same, as the first characters themselves (``text[:1] in FORMULA_FIRST``, for writers
#: that check millions of cells)
FORMULA_FIRST = frozenset("=+-@\t\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` rather than show it."""
    return bool(FORMULA_LIKE.match(text))


def guard_formula(text: str) -> str:
    """CSV text as written: ``'`` before text a spreadsheet would run as a formula."""
    return "'" + text if FORMULA_LIKE.match(text) else text


def put_text(cell: Any, text: str) -> Any:
    """Give an openpyxl cell ``text`` as a string, never a formula; returns the cell."""
    cell.value = text
    if FORMULA_LIKE.match(text):
        cell.data_type = "s"  # openpyxl made "=..." a formula when the value was set
        cell.quotePrefix = True
    return cell


def text_cell(sheet: Any, text: str) -> Any:
    """A write-only sheet's cell holding ``text`` as a string, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    return put_text(WriteOnlyCell(sheet), text)

