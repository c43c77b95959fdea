"""The XLSX writers compared on the national export's cells (issue 18), and its floor.

The records of the national export (``exchange.national``) are made once from the
database and spooled to a file (pickle, a chunk of rows at a time); each writer then
writes the same cells from the spool, in a fresh interpreter:

- ``openpyxl``: openpyxl's write-only mode, as the exporter's sheets write (the standard
  XML writer; ``receptiondesk`` keeps ``OPENPYXL_LXML=False`` for reading);
- ``openpyxl-lxml``: the same with ``OPENPYXL_LXML=True`` (lxml's incremental writer);
- ``xlsxwriter``: the floor, xlsxwriter in ``constant_memory`` mode given each cell as
  the typed call it needs (string, quoted string, date, number), nothing else;
- ``stream``: ``exchange.xlsx_stream.StreamSheet``, what the export writes with.

    python tests/benchmarks/xlsx_writers.py --db /tmp/rd/prov.db [--limit 100000]

The benchmark ``test_national_export.py`` uses :func:`spool_cells` and
:func:`write_floor` for its floor.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHUNK = 2000
#: a cell of the floor: (column, kind, value); kinds below
STRING, QUOTED, DATE, NUMBER = range(4)
VARIANTS = ("openpyxl", "openpyxl-lxml", "xlsxwriter", "stream")


def _cells(values: list[Any]) -> list[tuple[int, int, Any]]:
    """A record's cells as the floor writes them (what StreamSheet decides, done ahead)."""
    from datetime import date

    from receptiondesk.exchange.cells import FORMULA_FIRST
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS
    from receptiondesk.exchange.xlsx_stream import ILLEGAL_CHARACTERS

    out = []
    for c, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, bool):
            out.append((c, STRING, "yes" if value else "no"))
        elif isinstance(value, date):
            out.append((c, DATE, value))
        elif isinstance(value, int) and COLUMNS[c] in NUMBER_COLUMNS:
            out.append((c, NUMBER, value))
        else:
            text = ILLEGAL_CHARACTERS.sub("", str(value))
            if text:
                out.append((c, QUOTED if text[0] in FORMULA_FIRST else STRING, text))
    return out


def records(db, scope=None, limit: int | None = None) -> Iterator[list[Any]]:
    """The national export's records (values in column order), as ``export_national``
    makes them, over the home unit (or ``scope``)."""
    from datetime import date

    from receptiondesk.exchange import national
    from receptiondesk.services import protection

    today = date.today()
    with db.session() as s:
        scope = scope or national.default_scope(s)
        stmt = national._query(s, scope)
        if limit:
            stmt = stmt.limit(limit)
        mapping = national._Mapping(s)
        shield = protection.shield(s, cleared=False)
        for page in national._pages(s, stmt):
            hidden = national._identities(s, page)
            for row in page:
                rec = national._record(row, mapping, today, shield, hidden.get(row[0]))
                yield [rec[c] for c in national.COLUMNS]


def spool_cells(db, path: Path, *, raw: Path | None = None, scope=None,
                limit: int | None = None) -> int:
    """Write the floor's cells of every record to ``path`` (and the plain values to
    ``raw``), a chunk at a time; returns the number of rows."""
    count = 0
    with path.open("wb") as out, (raw.open("wb") if raw else open(os.devnull, "wb")) as rout:
        chunk: list[Any] = []
        rchunk: list[Any] = []
        for values in records(db, scope, limit):
            chunk.append(_cells(values))
            if raw:
                rchunk.append(values)
            count += 1
            if len(chunk) == CHUNK:
                pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                if raw:
                    pickle.dump(rchunk, rout, protocol=pickle.HIGHEST_PROTOCOL)
                chunk, rchunk = [], []
        if chunk:
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
            if raw:
                pickle.dump(rchunk, rout, protocol=pickle.HIGHEST_PROTOCOL)
    return count


def read_spool(path: Path) -> Iterator[list[Any]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield from pickle.load(fh)
            except EOFError:
                return


def write_floor(spool: Path, out: Path) -> int:
    """xlsxwriter in constant-memory mode writing the spooled cells: the header (bold,
    widths, frozen) and each cell by its typed call."""
    import xlsxwriter

    from receptiondesk.exchange.national import COLUMNS, XLSX_WIDTHS

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "tmpdir": str(out.parent)})
    ws = wb.add_worksheet("national")
    ws.freeze_panes(1, 0)
    bold = wb.add_format({"bold": True})
    fmts = {STRING: None, QUOTED: wb.add_format({"quote_prefix": True}),
            DATE: wb.add_format({"num_format": "yyyy-mm-dd"}), NUMBER: None}
    calls = {STRING: ws.write_string, QUOTED: ws.write_string, DATE: ws.write_datetime,
             NUMBER: ws.write_number}
    pairs = {k: (calls[k], fmts[k]) for k in calls}
    for i, name in enumerate(COLUMNS):
        ws.set_column(i, i, XLSX_WIDTHS.get(name, 14))
        ws.write_string(0, i, name, bold)
    r = 0
    for r, cells in enumerate(read_spool(spool), start=1):
        for c, kind, value in cells:
            call, fmt = pairs[kind]
            call(r, c, value, fmt)
    wb.close()
    return r


def write_stream(raw: Path, out: Path) -> int:
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS, XLSX_WIDTHS
    from receptiondesk.exchange.xlsx_stream import StreamSheet

    sheet = StreamSheet(out, "national", widths=XLSX_WIDTHS, number_columns=NUMBER_COLUMNS)
    sheet.header(COLUMNS)
    n = 0
    for values in read_spool(raw):
        sheet.row(values)
        n += 1
    sheet.close()
    return n


def write_openpyxl(raw: Path, out: Path) -> int:
    """openpyxl's write-only sheet as the exporter writes (``exporter._XlsxSink``), with
    the national widths: the national export's writer before xlsxwriter."""
    from receptiondesk.exchange.exporter import _XlsxSink
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS, XLSX_WIDTHS

    class Sheet(_XlsxSink):
        WIDTHS = XLSX_WIDTHS

    Sheet.NUMBER_COLUMNS = NUMBER_COLUMNS
    sheet = Sheet(out, "national")
    sheet.header(COLUMNS)
    n = 0
    for values in read_spool(raw):
        sheet.row(COLUMNS, values)
        n += 1
    sheet.close()
    return n


def _write(variant: str, cells: Path, raw: Path, out: Path) -> float:
    import receptiondesk  # noqa: F401  (sets OPENPYXL_LXML=False, as the application runs)

    if variant == "openpyxl-lxml":
        os.environ["OPENPYXL_LXML"] = "True"
    start = time.perf_counter()
    if variant == "xlsxwriter":
        write_floor(cells, out)
    elif variant == "stream":
        write_stream(raw, out)
    else:
        write_openpyxl(raw, out)
        from openpyxl.xml import LXML

        assert LXML == (variant == "openpyxl-lxml")
    return time.perf_counter() - start


def _time_reading(spool: Path) -> float:
    start = time.perf_counter()
    for _row in read_spool(spool):
        pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--write", nargs=4, metavar=("VARIANT", "CELLS", "RAW", "OUT"))
    args = parser.parse_args(argv)
    if args.write:
        variant, cells, raw, out = args.write
        print(f"{_write(variant, Path(cells), Path(raw), Path(out)):.3f}")
        return 0
    from receptiondesk.db import open_database

    db = open_database(Path(args.db))
    with tempfile.TemporaryDirectory(prefix="xlsx-writers-") as tmp:
        folder = Path(tmp)
        cells, raw = folder / "cells.pickle", folder / "raw.pickle"
        start = time.perf_counter()
        rows = spool_cells(db, cells, raw=raw, limit=args.limit)
        print(f"{rows:,} records made and spooled in {time.perf_counter() - start:.1f} s")
        db.close()
        print(f"reading the spools back: cells {_time_reading(cells):.1f} s, "
              f"values {_time_reading(raw):.1f} s (inside each time below)")
        for variant in VARIANTS:
            out = folder / f"{variant}.xlsx"
            done = subprocess.run(
                [sys.executable, __file__, "--write", variant, str(cells), str(raw), str(out)],
                capture_output=True, text=True, check=True)
            size = out.stat().st_size / 1e6
            print(f"{variant:14} {float(done.stdout):7.1f} s  {size:6.1f} MB")
            out.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
