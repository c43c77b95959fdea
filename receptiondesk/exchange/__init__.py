"""Interchange with spreadsheets (DESIGN §8): reading CSV/XLSX, import, export, code lists.

No Qt here: the CLI, the GUI's worker threads and the tests all call
:func:`~receptiondesk.exchange.importer.import_file` and
:func:`~receptiondesk.exchange.codes.code_lists`. The writers (table exports, the national
export, bundles) are reached through the one door out,
:mod:`receptiondesk.services.outputs`.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("units", "logbook", "petitions", "meetings", "inspections")

__all__ = ["KINDS"]
