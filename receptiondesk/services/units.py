"""Units (offices) and their officials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Official, Unit
from ..model.codes import DutyRole, Level, UnitKind
from ..text import collation_key
from .accounts import require
from .errors import NotFoundError, ValidationError
from .locking import check_version, refuses_stale
from .validation import Checker, clean


@dataclass
class UnitInput:
    code: str
    name: str
    level: str = Level.COMMUNE
    kind: str = UnitKind.STATE
    parent_code: str | None = None
    parent_body_name: str = ""
    place_name: str = ""
    remote_area: bool = False
    national_code: str = ""
    dissolved_on: date | None = None
    #: the code of the unit that takes over a dissolved unit's work
    successor_code: str | None = None


def _check_unit(session: Session, data: UnitInput, existing: Unit | None) -> Unit | None:
    ck = Checker()
    ck.required("code", data.code, _("Unit code"))
    ck.max_length("code", data.code, 40, _("Unit code"))
    ck.required("name", data.name, _("Unit name"))
    ck.max_length("name", data.name, 200, _("Unit name"))
    ck.enum("level", data.level, Level, _("Level"))
    ck.enum("kind", data.kind, UnitKind, _("Kind of unit"))
    parent = None
    if data.parent_code:
        parent = unit_by_code(session, data.parent_code)
        if parent is None:
            ck.add("parent_code", _("Parent unit \u201c{code}\u201d does not exist.").format(
                code=data.parent_code))
        elif existing is not None and parent.id == existing.id:
            ck.add("parent_code", _("A unit cannot be its own parent."))
    if data.successor_code:
        successor = unit_by_code(session, data.successor_code)
        if successor is None:
            ck.add("successor_code", _("Successor unit “{code}” does not exist.").format(
                code=data.successor_code))
        elif existing is not None and successor.id == existing.id:
            ck.add("successor_code", _("A unit cannot be its own successor."))
        elif successor.dissolved_on is not None:
            ck.add("successor_code", _("The successor unit “{code}” is dissolved "
                                       "itself.").format(code=data.successor_code))
    other = unit_by_code(session, clean(data.code)) if data.code else None
    if other is not None and (existing is None or other.id != existing.id):
        ck.add("code", _("Unit code \u201c{code}\u201d is already used.").format(code=data.code))
    ck.raise_if_any()
    return parent


def _apply(unit: Unit, data: UnitInput, parent: Unit | None) -> None:
    unit.code = clean(data.code)
    unit.name = clean(data.name)
    unit.level = data.level
    unit.kind = data.kind
    unit.parent_id = parent.id if parent else None
    unit.parent_body_name = clean(data.parent_body_name)
    unit.place_name = clean(data.place_name)
    unit.remote_area = bool(data.remote_area)
    unit.national_code = clean(data.national_code)
    unit.dissolved_on = data.dissolved_on


def _apply_successor(session: Session, unit: Unit, data: UnitInput, *, new: bool) -> None:
    """Set the successor (a new unit without one leaves the column alone)."""
    successor = unit_by_code(session, data.successor_code) if data.successor_code else None
    if successor is not None or not new:
        unit.successor_id = successor.id if successor is not None else None


def create_unit(session: Session, data: UnitInput, *, home: bool = False) -> Unit:
    """A new unit. One placed under a unit dissolved with a successor (a commune under its
    former district, from a form or an import file) is under the successor from the
    dissolution day, the district kept as its former parent (two-tier local government)."""
    require(session, "units.edit")
    parent = _check_unit(session, data, None)
    unit = Unit(is_home=home)
    _apply(unit, data, parent)
    _apply_successor(session, unit, data, new=True)
    if parent is not None and _passes_on(parent, data.dissolved_on):
        unit.parent_id = parent.successor_id
        unit.former_parent_id = parent.id
        unit.parent_since = parent.dissolved_on
    session.add(unit)
    session.flush()
    return unit


def _passes_on(parent: Unit, dissolved_on: date | None) -> bool:
    """Whether a unit under ``parent`` passes to the parent's successor: the parent was
    dissolved with one, and the unit was still in being then."""
    return (parent.dissolved_on is not None and parent.successor_id is not None
            and (dissolved_on is None or dissolved_on > parent.dissolved_on))


def _move_children(session: Session, unit: Unit) -> None:
    """The units under ``unit`` pass to its successor from its dissolution day (or, when
    it is in being again, come back to it)."""
    if unit.dissolved_on is not None and unit.successor_id is not None:
        for child in session.scalars(select(Unit).where(Unit.parent_id == unit.id,
                                                        Unit.id != unit.successor_id)):
            if child.dissolved_on is None or child.dissolved_on > unit.dissolved_on:
                child.former_parent_id, child.parent_since = unit.id, unit.dissolved_on
                child.parent_id = unit.successor_id
    else:
        for child in session.scalars(select(Unit).where(Unit.former_parent_id == unit.id)):
            child.parent_id, child.former_parent_id, child.parent_since = unit.id, None, None


@refuses_stale(Unit, "unit_id")
def update_unit(session: Session, unit_id: str, data: UnitInput, *,
                expected_version: int | None = None) -> Unit:
    require(session, "units.edit")
    unit = get_unit(session, unit_id)
    check_version(session, unit, expected_version)
    parent = _check_unit(session, data, unit)
    moved = (unit.dissolved_on, unit.successor_id)
    _apply(unit, data, parent)
    _apply_successor(session, unit, data, new=False)
    if (unit.dissolved_on, unit.successor_id) != moved:
        _move_children(session, unit)
    session.flush()
    # The remote-area flag and the kind of unit select deadline limits.
    session.info.pop("deadlines", None)
    return unit


def dissolve_unit(session: Session, unit_id: str, on: date | None,
                  successor_code: str | None, *,
                  expected_version: int | None = None) -> Unit:
    """Record that a unit was dissolved on ``on`` and which unit took over its work (two-
    tier local government: a district from 1/7/2025); None for ``on`` records it in being
    again. Its other details stay as they are. From ``on`` it takes no new record."""
    unit = get_unit(session, unit_id)
    if on is None and successor_code:
        raise ValidationError.single("dissolved_on", _(
            "Dissolved on: give the day the unit was dissolved, or no successor."))
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return update_unit(session, unit.id, UnitInput(
        code=unit.code, name=unit.name, level=unit.level, kind=unit.kind,
        parent_code=parent.code if parent is not None else None,
        parent_body_name=unit.parent_body_name, place_name=unit.place_name,
        remote_area=unit.remote_area, national_code=unit.national_code, dissolved_on=on,
        successor_code=successor_code or None), expected_version=expected_version)


def get_unit(session: Session, unit_id: str) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(_("The unit no longer exists."))
    return unit


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def home_unit(session: Session) -> Unit | None:
    """The office this database is kept for."""
    return session.scalar(select(Unit).where(Unit.is_home.is_(True)).limit(1))


def set_home_unit(session: Session, unit_id: str) -> None:
    require(session, "units.edit")
    for unit in session.scalars(select(Unit).where(Unit.is_home.is_(True))):
        unit.is_home = False
    get_unit(session, unit_id).is_home = True
    session.flush()


def list_units(session: Session) -> list[Unit]:
    units = list(session.scalars(select(Unit)))
    order: dict[str, int] = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    return sorted(units, key=lambda u: (order.get(u.level, 9), collation_key(u.name)))


def unit_and_descendants(session: Session, unit_id: str, on: date | None = None
                         ) -> list[str]:
    """Ids of a unit and every unit below it, for reports by level: in the tree of today,
    or with ``on`` in the tree of that day (a commune under its district before the
    two-tier reform moved it to the province)."""
    children: dict[str | None, list[str]] = {}
    if on is None:
        for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
            children.setdefault(parent, []).append(uid)
    else:
        for uid, parent, former, since in session.execute(select(
                Unit.id, Unit.parent_id, Unit.former_parent_id, Unit.parent_since)):
            children.setdefault(former if since is not None and on < since else parent,
                                []).append(uid)
    found, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


# --- officials -----------------------------------------------------------------


@dataclass
class OfficialInput:
    full_name: str
    position: str = ""
    duty_role: str = DutyRole.NONE
    active: bool = True


def _check_official(data: OfficialInput) -> None:
    ck = Checker()
    ck.required("full_name", data.full_name, _("Full name"))
    ck.max_length("full_name", data.full_name, 120, _("Full name"))
    ck.max_length("position", data.position, 200, _("Position"))
    ck.enum("duty_role", data.duty_role, DutyRole, _("Reception duty"))
    ck.raise_if_any()


def create_official(session: Session, unit_id: str, data: OfficialInput) -> Official:
    require(session, "units.edit")
    _check_official(data)
    get_unit(session, unit_id)
    official = Official(unit_id=unit_id)
    _apply_official(official, data)
    session.add(official)
    session.flush()
    return official


@refuses_stale(Official, "official_id")
def update_official(session: Session, official_id: str, data: OfficialInput, *,
                    expected_version: int | None = None) -> Official:
    require(session, "units.edit")
    official = get_official(session, official_id)
    check_version(session, official, expected_version)
    _check_official(data)
    _apply_official(official, data)
    session.flush()
    return official


def _apply_official(official: Official, data: OfficialInput) -> None:
    official.full_name = clean(data.full_name)
    official.position = clean(data.position)
    official.duty_role = data.duty_role
    official.active = data.active
    official.sort_key = collation_key(official.full_name)


def get_official(session: Session, official_id: str) -> Official:
    official = session.get(Official, official_id)
    if official is None:
        raise NotFoundError(_("The official no longer exists."))
    return official


def list_officials(
    session: Session, unit_id: str | None = None, active_only: bool = True
) -> list[Official]:
    stmt = select(Official).order_by(Official.sort_key)
    if unit_id:
        stmt = stmt.where(Official.unit_id == unit_id)
    if active_only:
        stmt = stmt.where(Official.active.is_(True))
    return list(session.scalars(stmt))


def official_by_name(session: Session, unit_id: str, full_name: str) -> Official | None:
    from ..text import fold

    wanted = fold(full_name)
    for official in list_officials(session, unit_id, active_only=False):
        if fold(official.full_name) == wanted:
            return official
    return None


def require_unit(session: Session, unit_id: str | None) -> str:
    if not unit_id:
        raise ValidationError.single("unit", _("Choose the unit first."))
    get_unit(session, unit_id)
    return unit_id


def successor_of(session: Session, unit: Unit) -> Unit | None:
    """The unit that took over a dissolved unit's work (following a chain of dissolved
    successors to the one still in being), or None."""
    seen = {unit.id}
    current = unit
    while current.successor_id and current.successor_id not in seen:
        nxt = session.get(Unit, current.successor_id)
        if nxt is None:
            return None
        if nxt.dissolved_on is None:
            return nxt
        seen.add(nxt.id)
        current = nxt
    return None


def dissolved_refusal(session: Session, unit_id: str, on: date | None,
                      label: str) -> str | None:
    """Why a new record dated ``on`` cannot go to the unit (dissolved by then, naming its
    successor), or None when it can."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.dissolved_on is None or on is None or on < unit.dissolved_on:
        return None
    successor = successor_of(session, unit)
    if successor is not None:
        message = _("{field}: {unit} was dissolved on {date}; record it with its successor, "
                    "{successor}.")
    else:
        message = _("{field}: {unit} was dissolved on {date}; name its successor in the "
                    "unit's data and record it there.")
    from ..i18n import format_date

    return message.format(
        field=label, unit=unit.name, date=format_date(unit.dissolved_on),
        successor=successor.name if successor is not None else "")


def dissolution_days(session: Session) -> dict[str, date]:
    """The day each dissolved unit ended, by unit id (a bulk check reads it once)."""
    rows = session.execute(select(Unit.id, Unit.dissolved_on)
                           .where(Unit.dissolved_on.is_not(None)))
    return {unit_id: day for unit_id, day in rows if day is not None}


def refuse_if_dissolved(session: Session, unit_id: str, on: date, field: str,
                        label: str) -> None:
    """Refuse a new record dated ``on`` or later in a unit dissolved by then: two-tier
    local government, from 1/7/2025 the district level ends (Luật Tổ chức chính quyền địa
    phương 72/2025/QH15, in force 1/7/2025 — found by search, article not confirmed)."""
    from .errors import ValidationError

    message = dissolved_refusal(session, unit_id, on, label)
    if message is not None:
        raise ValidationError.single(field, message)
