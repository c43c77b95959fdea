"""The XLSX writers compared on the national export's cells (issue 18), and its floor.

The records of the national export (``exchange.national``) are made once from the
database and spooled to a file (pickle, a chunk of rows at a time); each writer then
writes the same cells, in a fresh interpreter that first loads them into memory (only
the write is timed):

- ``openpyxl``: openpyxl's write-only mode, as the exporter's sheets write (the standard
  XML writer; ``receptiondesk`` keeps ``OPENPYXL_LXML=False`` for reading);
- ``openpyxl-lxml``: the same with ``OPENPYXL_LXML=True`` (lxml's incremental writer);
- ``xlsxwriter``: the floor, xlsxwriter in ``constant_memory`` mode given each cell as
  the typed call it needs (string, quoted string, date, number), nothing else;
- ``stream``: ``exchange.xlsx_stream.StreamSheet``, what the export writes with.

    python tests/benchmarks/xlsx_writers.py --db /tmp/rd/prov.db [--limit 100000]

The benchmark ``test_national_export.py`` uses :func:`records`, :func:`floor_rows` and
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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

CHUNK = 2000
#: how the floor writes a cell: nothing, a string, a quoted string, a date, a number
SKIP, STRING, QUOTED, DATE, NUMBER = range(5)
VARIANTS = ("openpyxl", "openpyxl-lxml", "xlsxwriter", "stream")


def floor_cells(values: list[Any], kinds_seen: dict) -> tuple[list[Any], tuple[int, ...]]:
    """A record's cells as the floor writes them (what StreamSheet decides per cell, done
    ahead): the values to write and each one's kind (kind tuples shared between rows)."""
    from datetime import date

    from receptiondesk.exchange.cells import FORMULA_FIRST
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS
    from receptiondesk.exchange.xlsx_stream import ILLEGAL_CHARACTERS

    out: list[Any] = []
    kinds: list[int] = []
    for c, value in enumerate(values):
        kind = SKIP
        if value is None:
            pass
        elif isinstance(value, bool):
            value, kind = ("yes" if value else "no"), STRING
        elif isinstance(value, date):
            kind = DATE
        elif isinstance(value, int) and COLUMNS[c] in NUMBER_COLUMNS:
            kind = NUMBER
        else:
            value = ILLEGAL_CHARACTERS.sub("", str(value))
            if value:
                kind = QUOTED if value[0] in FORMULA_FIRST else STRING
        out.append(value)
        kinds.append(kind)
    key = tuple(kinds)
    return out, kinds_seen.setdefault(key, key)


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


def floor_rows(values: Iterable[list[Any]]) -> list[tuple[list[Any], tuple[int, ...]]]:
    """Every record's floor cells, in memory (the floor writes from memory)."""
    seen: dict = {}
    return [floor_cells(v, seen) for v in values]


def spool(db, path: Path, *, scope=None, limit: int | None = None) -> int:
    """Write the records' values to ``path`` (pickle, a chunk at a time); returns the
    number of rows."""
    count = 0
    with path.open("wb") as out:
        chunk: list[Any] = []
        for values in records(db, scope, limit):
            chunk.append(values)
            count += 1
            if len(chunk) == CHUNK:
                pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
    return count


def read_spool(path: Path) -> Iterator[list[Any]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield from pickle.load(fh)
            except EOFError:
                return


def write_floor(rows: list[tuple[list[Any], tuple[int, ...]]], out: Path) -> int:
    """xlsxwriter in constant-memory mode writing the cells from memory: the header
    (bold, widths, frozen) and each cell by its typed call, nothing else."""
    import xlsxwriter

    from receptiondesk.exchange.national import COLUMNS, XLSX_WIDTHS

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "tmpdir": str(out.parent)})
    ws = wb.add_worksheet("national")
    ws.freeze_panes(1, 0)
    bold = wb.add_format({"bold": True})
    pairs = {STRING: (ws.write_string, None),
             QUOTED: (ws.write_string, wb.add_format({"quote_prefix": True})),
             DATE: (ws.write_datetime, wb.add_format({"num_format": "yyyy-mm-dd"})),
             NUMBER: (ws.write_number, None)}
    for i, name in enumerate(COLUMNS):
        ws.set_column(i, i, XLSX_WIDTHS.get(name, 14))
        ws.write_string(0, i, name, bold)
    r = 0
    for r, (values, kinds) in enumerate(rows, start=1):
        for c, kind in enumerate(kinds):
            if kind:
                call, fmt = pairs[kind]
                call(r, c, values[c], fmt)
    wb.close()
    return r


def write_stream(rows: list[list[Any]], out: Path) -> int:
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS, XLSX_WIDTHS
    from receptiondesk.exchange.xlsx_stream import StreamSheet

    sheet = StreamSheet(out, "national", widths=XLSX_WIDTHS, number_columns=NUMBER_COLUMNS)
    sheet.header(COLUMNS)
    for values in rows:
        sheet.row(values)
    sheet.close()
    return len(rows)


def write_openpyxl(rows: list[list[Any]], out: Path) -> int:
    """openpyxl's write-only sheet as the exporter writes (``exporter._XlsxSink``), with
    the national widths: the national export's writer before xlsxwriter."""
    from receptiondesk.exchange.exporter import _XlsxSink
    from receptiondesk.exchange.national import COLUMNS, NUMBER_COLUMNS, XLSX_WIDTHS

    class Sheet(_XlsxSink):
        WIDTHS = XLSX_WIDTHS

    Sheet.NUMBER_COLUMNS = NUMBER_COLUMNS
    sheet = Sheet(out, "national")
    sheet.header(COLUMNS)
    for values in rows:
        sheet.row(COLUMNS, values)
    sheet.close()
    return len(rows)


def _write(variant: str, raw: Path, out: Path) -> tuple[float, float]:
    """Load the spool into memory, then time one writer on it: (wall, CPU) seconds (the
    CPU time is the steadier figure on a loaded machine)."""
    import receptiondesk  # noqa: F401  (sets OPENPYXL_LXML=False, as the application runs)

    if variant == "openpyxl-lxml":
        os.environ["OPENPYXL_LXML"] = "True"
    rows = list(read_spool(raw))
    if variant == "xlsxwriter":
        cells = floor_rows(rows)
        del rows
        start, cpu = time.perf_counter(), time.process_time()
        write_floor(cells, out)
        return time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    if variant == "stream":
        write_stream(rows, out)
    else:
        write_openpyxl(rows, out)
        from openpyxl.xml import LXML

        assert LXML == (variant == "openpyxl-lxml")
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--write", nargs=3, metavar=("VARIANT", "RAW", "OUT"))
    args = parser.parse_args(argv)
    if args.write:
        variant, raw, out = args.write
        print("{:.3f} {:.3f}".format(*_write(variant, Path(raw), Path(out))))
        return 0
    from receptiondesk.services.database import open_database

    db = open_database(Path(args.db))
    with tempfile.TemporaryDirectory(prefix="xlsx-writers-") as tmp:
        folder = Path(tmp)
        raw = folder / "raw.pickle"
        start = time.perf_counter()
        rows = spool(db, raw, limit=args.limit)
        print(f"{rows:,} records made and spooled in {time.perf_counter() - start:.1f} s "
              "(each writer then writes them from memory)")
        db.close()
        for variant in VARIANTS:
            out = folder / f"{variant}.xlsx"
            done = subprocess.run(
                [sys.executable, __file__, "--write", variant, str(raw), str(out)],
                capture_output=True, text=True, check=True)
            size = out.stat().st_size / 1e6
            wall, cpu = (float(x) for x in done.stdout.split())
            print(f"{variant:14} {wall:7.1f} s wall  {cpu:7.1f} s CPU  {size:6.1f} MB")
            out.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
