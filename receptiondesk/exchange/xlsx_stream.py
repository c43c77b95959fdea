"""One XLSX sheet written row by row in constant memory, with xlsxwriter.

The national export (hundreds of thousands of records) writes through this rather than
openpyxl's write-only mode, which took about three times as long for the same cells, and
twice as long with lxml (``tests/benchmarks/xlsx_writers.py``, issue 18). The
cells are the ones the openpyxl sheets write, and ``tests/test_national_xlsx.py`` reads
both back and compares them:

- text is stored as a string, never a formula: text a spreadsheet would run
  (:mod:`receptiondesk.exchange.cells`) gets Excel's quote prefix, and the characters XML
  cannot hold are taken out (those openpyxl refuses);
- a date is a date cell shown ``yyyy-mm-dd``; ``True``/``False`` are "yes"/"no";
- the number columns hold numbers; anything else is its text; ``None`` and ``""`` leave
  the cell empty;
- one bold header row, frozen; the column widths of the openpyxl sheets.

xlsxwriter writes each finished row to a temporary file (``constant_memory``), so memory
stays flat whatever the number of rows; :meth:`StreamSheet.abort` removes that file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from .cells import FORMULA_FIRST

#: the characters an XLSX cell cannot hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``)
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
DATE_FORMAT = "yyyy-mm-dd"
#: the width of a column not named in ``widths`` (characters)
DEFAULT_WIDTH = 14


class XlsxStreamError(OSError):
    """xlsxwriter could not make the file (its own errors, given as an OSError so the
    exporters' "cannot write" message names the file)."""


class StreamSheet:
    """A workbook of one sheet: :meth:`header`, then :meth:`row` per record, then
    :meth:`close` (the file is complete) or :meth:`abort` (nothing is left behind)."""

    def __init__(self, path: Path, title: str, *, widths: Mapping[str, float] | None = None,
                 number_columns: Collection[str] = ()) -> None:
        import xlsxwriter

        self._path = path
        self._widths = widths or {}
        self._number_columns = frozenset(number_columns)
        # strings are written as given: never taken for formulas, numbers or links
        self._wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False,
            "strings_to_numbers": False, "strings_to_urls": False,
            "tmpdir": str(path.parent)})
        self._ws = self._wb.add_worksheet(title)
        self._ws.freeze_panes(1, 0)
        self._bold = self._wb.add_format({"bold": True})
        self._date = self._wb.add_format({"num_format": DATE_FORMAT})
        self._quoted = self._wb.add_format({"quote_prefix": True})
        self._row = 0
        self._numbers: tuple[bool, ...] = ()
        self._write = (self._writer("write_string"), self._writer("write_number"),
                       self._writer("write_datetime"))

    def header(self, columns: Sequence[str]) -> None:
        """The header row (the column keys, bold) and the columns' widths."""
        for i, name in enumerate(columns):
            self._ws.set_column(i, i, self._widths.get(name, DEFAULT_WIDTH))
        self._numbers = tuple(name in self._number_columns for name in columns)
        for i, name in enumerate(columns):
            self._ws.write_string(0, i, self._clean(name), self._bold)
        self._row = 1

    @staticmethod
    def _clean(text: str) -> str:
        # most text is printable: the expression runs only on text that might hold one
        return text if text.isprintable() else ILLEGAL_CHARACTERS.sub("", text)

    def _writer(self, name: str) -> Any:
        """``worksheet.<name>`` without its decorator, which first tries the row as "A1"
        notation on every cell (an eighth of the writing time); ``functools.wraps`` keeps
        the method itself as ``__wrapped__``. The decorated method if it ever has none."""
        method = getattr(type(self._ws), name)
        plain = getattr(method, "__wrapped__", None)
        return getattr(self._ws, name) if plain is None else partial(plain, self._ws)

    def row(self, values: Sequence[Any]) -> None:
        """One row, the values in the header's order."""
        r = self._row
        self._row = r + 1
        numbers, clean, quoted = self._numbers, self._clean, self._quoted
        write_string, write_number, write_date = self._write
        for c, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                text = clean(value)
                if text[:1] in FORMULA_FIRST:
                    write_string(r, c, text, quoted)
                elif text:
                    write_string(r, c, text)
            elif value is None:
                continue
            elif kind is bool:
                write_string(r, c, "yes" if value else "no")
            elif kind is date or isinstance(value, date):
                write_date(r, c, value, self._date)
            elif kind is int and numbers[c]:
                write_number(r, c, value)
            else:
                text = clean(str(value))
                if text:
                    write_string(r, c, text, quoted if text[:1] in FORMULA_FIRST else None)

    def close(self) -> None:
        """Finish the file (the zip is written now)."""
        from xlsxwriter.exceptions import XlsxWriterException

        try:
            self._wb.close()
        except XlsxWriterException as exc:
            raise XlsxStreamError(str(exc)) from exc

    def abort(self) -> None:
        """Close and remove the sheet's temporary row file; no workbook is written."""
        fh = getattr(self._ws, "row_data_fh", None)
        name = getattr(self._ws, "row_data_filename", None)
        try:
            if fh is not None:
                fh.close()
        finally:
            if name:
                Path(name).unlink(missing_ok=True)
