"""Interchange with spreadsheets (DESIGN §8): reading CSV/XLSX, import, export, code lists.

No Qt here: the CLI, the GUI's worker threads and the tests all call
:func:`~receptiondesk.exchange.importer.import_file`,
:func:`~receptiondesk.exchange.exporter.export_file` and
:func:`~receptiondesk.exchange.codes.code_lists`.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("units", "logbook", "petitions", "meetings", "inspections")

__all__ = ["KINDS"]
