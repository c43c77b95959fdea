"""``receptiondesk unit dissolve|transfer``: two-tier local government on the command line.

From 1/7/2025 the district level ends (Luật Tổ chức chính quyền địa phương 72/2025/QH15,
in force 1/7/2025: the law was found by search, its article is not confirmed). An office
records the day a unit was dissolved and the unit that took over its work, then moves the
unit's open cases to that successor, each with a history step::

    receptiondesk unit dissolve HU-DBD --on 2025-07-01 --successor TU
    receptiondesk unit transfer HU-DBD            # says how many would move
    receptiondesk unit transfer HU-DBD --yes      # moves them

The CLI wires :func:`add_unit_parser` and :func:`cmd_unit` (see :mod:`receptiondesk.cli`).
No Qt here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from ..i18n import _, format_date, format_number, ngettext
from .common import unit_named


def add_unit_parser(subparsers, parse_date: Callable[[str], date]) -> argparse.ArgumentParser:
    """Add ``unit dissolve`` and ``unit transfer`` to the main parser's commands."""
    unit = subparsers.add_parser(
        "unit", help=_("record a unit's dissolution and move its open cases to its successor"))
    sub = unit.add_subparsers(dest="unit_command", metavar="ACTION",
                              parser_class=type(unit))
    sub.required = True
    dissolve = sub.add_parser(
        "dissolve", help=_("record the day a unit was dissolved and the unit that took over "
                           "its work"))
    dissolve.add_argument("code", metavar="CODE", help=_("the dissolved unit's code"))
    dissolve.add_argument("--on", required=True, type=parse_date, metavar="DATE",
                          help=_("the day of the dissolution (from it the unit takes no "
                                 "new record)"))
    dissolve.add_argument("--successor", metavar="CODE",
                          help=_("the code of the unit that took over its work"))
    transfer = sub.add_parser(
        "transfer", help=_("move a dissolved unit's open cases to its successor"))
    transfer.add_argument("code", metavar="CODE", help=_("the dissolved unit's code"))
    transfer.add_argument("--yes", action="store_true",
                          help=_("move them (without it: only say how many would move)"))
    return unit


def cmd_unit(args: argparse.Namespace, db) -> int:
    """Run ``unit dissolve`` or ``unit transfer``; prints what was done and returns 0."""
    from ..services import petitions
    from ..services.units import dissolve_unit, successor_of

    with db.session(write=True) as s:
        unit = unit_named(s, args.code)
        if args.unit_command == "dissolve":
            dissolve_unit(s, unit.id, args.on, args.successor)
            successor = successor_of(s, unit)
            count = petitions.count_open_cases(s, unit.id)
            print(_("{unit} dissolved on {date}; its successor: {successor}.").format(
                unit=unit.name, date=format_date(args.on),
                successor=successor.name if successor is not None else _("none")))
            if count and successor is not None:
                print(ngettext(
                    "{count} open case is still with it: move it with \u201cunit transfer "
                    "{code} --yes\u201d.",
                    "{count} open cases are still with it: move them with \u201cunit "
                    "transfer {code} --yes\u201d.", count).format(
                        count=format_number(count), code=unit.code))
            return 0
        successor = successor_of(s, unit)
        count = petitions.count_open_cases(s, unit.id)
        if not args.yes:
            if unit.dissolved_on is None or successor is None:
                # the service's refusal, naming what is missing
                petitions.transfer_open_cases(s, unit.id, date.today())
            assert successor is not None  # else the service refused above
            print(ngettext(
                "{count} open case would move from {unit} to {successor}; add --yes to "
                "move it.",
                "{count} open cases would move from {unit} to {successor}; add --yes to "
                "move them.", count).format(
                    count=format_number(count), unit=unit.name, successor=successor.name))
            return 0
        moved = petitions.transfer_open_cases(s, unit.id, unit.dissolved_on
                                              or date.today())
        print(ngettext("{count} open case moved from {unit} to {successor}.",
                       "{count} open cases moved from {unit} to {successor}.", moved).format(
            count=format_number(moved), unit=unit.name,
            successor=successor.name if successor is not None else ""))
    return 0
