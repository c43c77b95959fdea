"""Importing the interchange files of DESIGN §8, all or nothing.

:func:`import_file` reads the whole file, parses and checks every row, and only
then writes, inside a SAVEPOINT. Any bad row — in the file or refused by a service's
checks — rolls everything back and raises :class:`ImportFailed` listing every problem
as "row, column, reason".

Units, meetings and inspections are written through the services, one record at a
time. Log books and petitions — the large files — are written in bulk (:mod:`.bulk`):
each row is put through the same checks, with the same messages, as the services'
``create_session``/``add_visit`` and ``register_petition`` and lifecycle steps; the
records those would write (history steps, due dates, search texts, protections and
audit entries included) are computed in memory and inserted with one ``executemany``
per table and batch. ``tests/test_import_bulk_same.py`` holds them to what the per-row
path wrote.

One importer per kind of file: :mod:`.import_units`, :mod:`.import_logbook`,
:mod:`.import_petitions`, :mod:`.import_meetings` and :mod:`.import_inspections`; what
they share (row errors, the report, reading cells, the base class) is in
:mod:`.import_rows`.

Importing the same file twice writes nothing the second time: a record whose
``ref`` (a session's ``session_ref``, a unit's ``code``) already exists for the
same unit is reported as a duplicate.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..i18n import _
from ..services import audit
from ..services.accounts import require
from . import KINDS
from .import_inspections import InspectionsImporter
from .import_logbook import LogbookImporter
from .import_meetings import MeetingsImporter
from .import_petitions import PetitionsImporter
from .import_rows import (
    REDACTED,
    ErrorList,
    ImportCancelled,
    Importer,
    ImportFailed,
    ImportReport,
    Progress,
    RowError,
)
from .import_units import UnitsImporter
from .tables import REQUIRED_COLUMNS, Table, TableError, read_table

# --- the entry point ----------------------------------------------------------------


def import_file(
    session: Session,
    kind: str,
    path: str | Path,
    today: date | None = None,
    *,
    unit_id: str | None = None,
    official_id: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a units, logbook, petitions, meetings or inspections file, all or nothing.

    ``unit_id`` is the unit of rows whose ``unit_code`` is empty or whose file has
    no such column (default: the home unit). ``official_id`` is recorded on the
    petitions' history steps. ``dry_run`` checks everything, service checks
    included, and writes nothing. ``progress(done, total)`` is called as rows are
    written; returning ``False`` cancels (:class:`ImportCancelled`).

    Raises :class:`ImportFailed` (nothing written) when any row is bad. The caller
    commits the session.
    """
    require(session, "data.import")
    today = today or date.today()
    if kind not in KINDS:
        raise ImportFailed([RowError(0, "", _("Unknown kind of file \u201c{kind}\u201d: use one "
                                              "of {kinds}.").format(kind=kind,
                                                                     kinds=", ".join(KINDS)))])
    path = Path(path)
    try:
        table = read_table(path, kind)
    except TableError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from exc
    report = ImportReport(kind=kind, path=str(path), rows=len(table),
                          ignored_columns=list(table.ignored), dry_run=dry_run)
    errors = ErrorList(table)
    _check_header(table, kind, errors)
    if errors:
        raise errors.fail()
    importer = _IMPORTERS[kind](session, table, errors, report, today, path.name,
                                unit_id=unit_id, official_id=official_id, progress=progress)
    importer.parse()
    if errors:
        raise errors.fail()
    table.clear()  # the parsed rows hold what is needed now; free the raw cells
    _begin_outer_transaction(session)
    nested = session.begin_nested()
    try:
        importer.write()
        if errors:
            raise errors.fail()
        if progress is not None:
            progress(report.rows, report.rows)
        audit.record(session, "import", kind, "", unit_id,
                     {"file": path.name, "rows": report.rows, "counts": dict(report.counts)})
    except BaseException:
        nested.rollback()
        raise
    if dry_run:
        nested.rollback()
    else:
        nested.commit()
    return report


def _begin_outer_transaction(session: Session) -> None:
    """Make sure the database transaction has begun before the SAVEPOINT.

    Python's sqlite3 driver (legacy transaction control) emits BEGIN only before
    a data-changing statement. A SAVEPOINT issued first opens the transaction
    itself, and releasing it then COMMITS: the caller could no longer roll the
    import back. A statement that changes nothing makes the driver BEGIN first.
    (Not needed once the engine emits BEGIN itself, the SQLAlchemy recipe for
    pysqlite; harmless then.)
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE settings SET value = value WHERE 0"))


def _check_header(table: Table, kind: str, errors: ErrorList) -> None:
    row = table.header_row
    for key in REQUIRED_COLUMNS[kind]:
        if key not in table.titles:
            errors.add(row, "", _("The column \u201c{column}\u201d is missing.").format(column=key))
    for key, titles in table.duplicates:
        errors.add(row, "", _("The columns {titles} are the same column \u201c{column}\u201d; "
                              "keep one.").format(titles=", ".join(f"\u201c{t}\u201d"
                                                                    for t in titles),
                                                  column=key))
    if not table and not errors:
        errors.add(0, "", _("The file has no rows to import."))


_IMPORTERS: dict[str, type[Importer]] = {
    "units": UnitsImporter,
    "logbook": LogbookImporter,
    "petitions": PetitionsImporter,
    "meetings": MeetingsImporter,
    "inspections": InspectionsImporter,
}

__all__ = ["REDACTED", "ImportCancelled", "ImportFailed", "ImportReport", "RowError",
           "import_file"]
