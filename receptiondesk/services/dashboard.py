"""The figures of the dashboard, computed with SQL aggregates so they stay fast on a
province database (hundreds of thousands of petitions).

Everything is returned as codes and numbers; the GUI translates labels when it shows
them, so switching the language does not need the figures again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, extract, func, select
from sqlalchemy.orm import Session

from ..model import Field, Official, Petition, Petitioner, ReceptionSession, Unit, Visit
from ..model.codes import OPEN_STATUSES, DutyRole, Level, PetitionType, SessionKind
from ..rules.duty import DutyMonth, duty_by_month
from ..text import collation_key_text
from . import reference
from .protection import identity_visible, note_identity_views_of

#: kinds of session that count as a head's reception day (a routine desk does not)
DUTY_SESSION_KINDS = (SessionKind.REGULAR, SessionKind.UNSCHEDULED, SessionKind.DIALOGUE)
#: heads whose reception duty is checked
DUTY_ROLES = (DutyRole.PARTY_SECRETARY, DutyRole.COMMITTEE_CHAIRMAN)
SOON_DAYS = 7
LIST_LIMIT = 12
CHART_MONTHS = 12
DUTY_MONTHS = 6


@dataclass(frozen=True)
class PetitionLine:
    """A petition needing attention: overdue or due soon."""

    id: str
    ref: str
    petition_type: str
    petitioner: str  # empty for a denunciation unless the acting user is cleared (DESIGN §4)
    due: date
    days_left: int


@dataclass(frozen=True)
class DutyRow:
    """One head's reception duty, month by month (oldest first)."""

    official_id: str
    name: str
    role: str
    unit_name: str
    months: list[DutyMonth]
    home_unit: bool = True  # False for a head of a unit below the office


@dataclass
class DashboardFigures:
    today: date
    open_count: int = 0
    overdue_count: int = 0
    due_soon_count: int = 0
    #: overdue first (most overdue first), then due soon (earliest first)
    attention: list[PetitionLine] = field(default_factory=list)
    sessions_month: dict[str, int] = field(default_factory=dict)
    sessions_year: dict[str, int] = field(default_factory=dict)
    #: visits (lượt: rows of the log book) and citizens received (người: their head
    #: counts, a delegation's every member), this month and this year
    visits_month: int = 0
    visits_year: int = 0
    citizens_month: int = 0
    citizens_year: int = 0
    duty: list[DutyRow] = field(default_factory=list)
    #: (field code or None, petitions received in the last 12 months)
    by_field: list[tuple[str | None, int]] = field(default_factory=list)
    #: ((year, month), petitions received), the last 12 months oldest first
    by_month: list[tuple[tuple[int, int], int]] = field(default_factory=list)
    #: field code -> (Vietnamese name, English name)
    field_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def sessions_month_total(self) -> int:
        return sum(self.sessions_month.values())

    @property
    def sessions_year_total(self) -> int:
        return sum(self.sessions_year.values())


def last_months(today: date, count: int) -> list[tuple[int, int]]:
    """(year, month) of the ``count`` months ending with today's, oldest first."""
    year, month = today.year, today.month
    result = []
    for _i in range(count):
        result.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return result[::-1]


def _in_units(column, unit_ids: list[str] | None) -> list[ColumnElement[bool]]:
    return [] if unit_ids is None else [column.in_(unit_ids)]


def dashboard_figures(
    session: Session, unit_ids: list[str] | None, today: date | None = None
) -> DashboardFigures:
    """Everything the dashboard shows for the units ``unit_ids`` (None: every unit)."""
    today = today or date.today()
    figures = DashboardFigures(today=today)
    _petition_deadlines(session, unit_ids, today, figures)
    _sessions(session, unit_ids, today, figures)
    _charts(session, unit_ids, today, figures)
    figures.duty = duty_check(session, unit_ids, today)
    figures.field_names = {
        f.code: (f.name_vi, f.name_en) for f in session.scalars(select(Field))
    }
    return figures


# --- petitions -------------------------------------------------------------------


def _open_with_due(unit_ids: list[str] | None) -> list[ColumnElement[bool]]:
    return [
        Petition.status.in_([str(s) for s in OPEN_STATUSES]),
        Petition.next_due_date.is_not(None),
        *_in_units(Petition.unit_id, unit_ids),
    ]


def _petition_deadlines(
    session: Session, unit_ids: list[str] | None, today: date, figures: DashboardFigures
) -> None:
    soon = today + timedelta(days=SOON_DAYS)
    base = _open_with_due(unit_ids)
    figures.open_count = session.scalar(
        select(func.count(Petition.id)).where(
            Petition.status.in_([str(s) for s in OPEN_STATUSES]),
            *_in_units(Petition.unit_id, unit_ids),
        )
    ) or 0
    figures.overdue_count = session.scalar(
        select(func.count(Petition.id)).where(*base, Petition.next_due_date < today)
    ) or 0
    figures.due_soon_count = session.scalar(
        select(func.count(Petition.id)).where(
            *base, Petition.next_due_date >= today, Petition.next_due_date <= soon
        )
    ) or 0
    # The most urgent first: the list is short, the counts above say how many there are.
    rows = session.execute(
        select(Petition.id, Petition.ref, Petition.petition_type, Petition.next_due_date,
               Petition.unit_id)
        .where(*base, Petition.next_due_date <= soon)
        .order_by(Petition.next_due_date, Petition.id)
        .limit(LIST_LIMIT)
    ).all()
    names = _first_petitioners(session, [r[0] for r in rows])
    shown = [(pid, unit_id) for pid, _r, ptype, _d, unit_id in rows
             if ptype == PetitionType.DENUNCIATION and identity_visible(ptype) and pid in names]
    note_identity_views_of(session, "petition", shown, "dashboard")
    figures.attention = [
        PetitionLine(
            id=pid,
            ref=ref or "",
            petition_type=ptype,
            petitioner=names.get(pid, "") if identity_visible(ptype) else "",
            due=due,
            days_left=(due - today).days,
        )
        for pid, ref, ptype, due, _unit in rows
        if due is not None  # (always: the query asks for a due date before ``soon``)
    ]


def _first_petitioners(session: Session, petition_ids: list[str]) -> dict[str, str]:
    if not petition_ids:
        return {}
    rows = session.execute(
        select(Petitioner.petition_id, Petitioner.full_name)
        .where(Petitioner.petition_id.in_(petition_ids))
        .order_by(Petitioner.petition_id, Petitioner.seq)
    ).all()
    first: dict[str, str] = {}
    for pid, name in rows:
        first.setdefault(pid, name)
    return first


# --- sessions --------------------------------------------------------------------


def _sessions_by_kind(
    session: Session, unit_ids: list[str] | None, start: date, end: date
) -> dict[str, int]:
    rows = session.execute(
        select(ReceptionSession.kind, func.count(ReceptionSession.id))
        .where(
            ReceptionSession.session_date.between(start, end),
            *_in_units(ReceptionSession.unit_id, unit_ids),
        )
        .group_by(ReceptionSession.kind)
    ).all()
    return {kind: count for kind, count in rows}


def _visits_between(
    session: Session, unit_ids: list[str] | None, start: date, end: date
) -> tuple[int, int]:
    """(visits, citizens): the log book's rows and the people they brought."""
    visits, people = session.execute(
        select(func.count(Visit.id), func.coalesce(func.sum(Visit.head_count), 0)).where(
            Visit.visit_date.between(start, end), *_in_units(Visit.unit_id, unit_ids)
        )
    ).one()
    return int(visits or 0), int(people or 0)


def _sessions(
    session: Session, unit_ids: list[str] | None, today: date, figures: DashboardFigures
) -> None:
    month_start = today.replace(day=1)
    year_start = today.replace(month=1, day=1)
    figures.sessions_month = _sessions_by_kind(session, unit_ids, month_start, today)
    figures.sessions_year = _sessions_by_kind(session, unit_ids, year_start, today)
    figures.visits_month, figures.citizens_month = _visits_between(
        session, unit_ids, month_start, today)
    figures.visits_year, figures.citizens_year = _visits_between(
        session, unit_ids, year_start, today)


# --- charts ----------------------------------------------------------------------


def _charts(
    session: Session, unit_ids: list[str] | None, today: date, figures: DashboardFigures
) -> None:
    months = last_months(today, CHART_MONTHS)
    start = date(months[0][0], months[0][1], 1)
    window = [
        Petition.received_date.between(start, today),
        *_in_units(Petition.unit_id, unit_ids),
    ]
    by_field = session.execute(
        select(Petition.field_code, func.count(Petition.id))
        .where(*window)
        .group_by(Petition.field_code)
    ).all()
    order = {
        code: i for i, code in enumerate(
            session.scalars(select(Field.code).order_by(Field.sort_order, Field.code))
        )
    }
    figures.by_field = sorted(
        ((code, count) for code, count in by_field),
        key=lambda item: order.get(item[0], len(order)) if item[0] else len(order) + 1,
    )
    year = extract("year", Petition.received_date)
    month = extract("month", Petition.received_date)
    counted = {
        (int(y), int(m)): n
        for y, m, n in session.execute(
            select(year, month, func.count(Petition.id)).where(*window).group_by(year, month)
        )
    }
    figures.by_month = [(ym, counted.get(ym, 0)) for ym in months]


# --- reception duty --------------------------------------------------------------


def duty_check(
    session: Session, unit_ids: list[str] | None, today: date, months: int = DUTY_MONTHS
) -> list[DutyRow]:
    """For each active head (Party secretary, People's Committee chairman) of the units,
    the days owed and the distinct days on which they presided a reception, by month."""
    heads = session.execute(
        select(Official.id, Official.full_name, Official.duty_role, Unit.level, Unit.name,
               Unit.is_home)
        .join(Unit, Unit.id == Official.unit_id)
        .where(
            Official.active.is_(True),
            Official.duty_role.in_([str(r) for r in DUTY_ROLES]),
            *_in_units(Official.unit_id, unit_ids),
        )
        .order_by(
            Unit.is_home.desc(),
            case({"province": 0, "district": 1, "commune": 2}, value=Unit.level, else_=3),
            Unit.name,
            Official.duty_role,
            Official.sort_key,
        )
    ).all()
    if not heads:
        return []
    span = last_months(today, months)
    start = date(span[0][0], span[0][1], 1)
    held: dict[str, list[date]] = {}
    head_ids = [h[0] for h in heads]
    for i in range(0, len(head_ids), 500):  # stay under the engines' bound-parameter limits
        rows = session.execute(
            select(ReceptionSession.presiding_official_id, ReceptionSession.session_date)
            .where(
                ReceptionSession.presiding_official_id.in_(head_ids[i:i + 500]),
                ReceptionSession.session_date.between(start, today),
                ReceptionSession.kind.in_([str(k) for k in DUTY_SESSION_KINDS]),
            )
            .distinct()
        ).all()
        for official_id, day in rows:
            if official_id is not None:  # (always: the query asks for the heads' sessions)
                held.setdefault(official_id, []).append(day)
    rules = reference.duty_rules(session)
    calendar = reference.work_calendar(session)
    duty: list[DutyRow] = []
    for oid, name, role, level, unit_name, is_home in heads:
        by_month = duty_by_month(rules, role, level, held.get(oid, []), span, calendar,
                                 today=today)
        if not all(m.ended for m in by_month):  # a district head after the reform: not shown
            duty.append(DutyRow(official_id=oid, name=name, role=role, unit_name=unit_name,
                                months=by_month, home_unit=bool(is_home)))
    return duty


# --- by unit: the table of the units below, for the drill-down -------------------------

_LEVEL_ORDER = {str(level): i for i, level in enumerate(Level)}


@dataclass(frozen=True)
class UnitNode:
    """A unit in the tree below the office, with its depth below the unit asked for."""

    id: str
    code: str
    name: str
    level: str
    parent_id: str | None
    depth: int
    dissolved_on: date | None = None


def unit_tree(session: Session, root_id: str) -> list[UnitNode]:
    """The unit and every unit below it, each followed by the units below it (by level,
    then in Vietnamese alphabetical order), for choosers indented by level."""
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.level, Unit.parent_id, Unit.dissolved_on)
    ).all()
    children: dict[str | None, list] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    for kids in children.values():
        kids.sort(key=lambda r: (_LEVEL_ORDER.get(r.level, 99), collation_key_text(r.name),
                                 r.code))
    root = next((r for r in rows if r.id == root_id), None)
    if root is None:
        return []
    out: list[UnitNode] = []
    stack = [(root, 0)]
    seen: set[str] = set()
    while stack:
        r, depth = stack.pop()
        if r.id in seen:  # a loop in bad data must not hang the page
            continue
        seen.add(r.id)
        out.append(UnitNode(r.id, r.code, r.name, r.level, r.parent_id, depth,
                            r.dissolved_on))
        stack.extend((k, depth + 1) for k in reversed(children.get(r.id, [])))
    return out


@dataclass
class UnitRow:
    """One row of the dashboard's table of units: a unit directly below the one shown,
    with everything below it (or, ``own``, the records of the unit shown itself)."""

    unit_id: str
    code: str
    name: str
    level: str
    own: bool = False
    #: units below it: the row can be drilled into
    has_units: bool = False
    dissolved_on: date | None = None
    open_count: int = 0
    overdue_count: int = 0
    due_soon_count: int = 0
    received_year: int = 0
    sessions_year: int = 0
    citizens_year: int = 0

    _FIGURES = ("open_count", "overdue_count", "due_soon_count", "received_year",
                "sessions_year", "citizens_year")

    def add(self, figures: dict[str, int]) -> None:
        for name, value in figures.items():
            setattr(self, name, getattr(self, name) + int(value or 0))

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self._FIGURES)


def unit_breakdown(session: Session, unit_id: str, today: date | None = None) -> list[UnitRow]:
    """The unit's own records, then each unit directly below it counted with every unit
    below that one: open, overdue and due-soon petitions, and this year's petitions
    received, sessions held and citizens received. One GROUP BY unit query per kind of
    record; a unit dissolved before this year with nothing to show is left out (history)."""
    today = today or date.today()
    tree = unit_tree(session, unit_id)
    if len(tree) <= 1:
        return []
    parents = {n.id: n.parent_id for n in tree}
    # each unit's row: the child of ``unit_id`` it lies under (the unit itself: own row)
    top: dict[str, str] = {}
    for n in tree:  # tree order: a parent is always placed before its children
        if n.id == unit_id or parents[n.id] == unit_id:
            top[n.id] = n.id
        else:
            assert n.parent_id is not None  # a unit below ``unit_id`` has a parent
            top[n.id] = top[n.parent_id]
    rows = {n.id: UnitRow(n.id, n.code, n.name, n.level, own=n.id == unit_id,
                          dissolved_on=n.dissolved_on)
            for n in tree if top[n.id] == n.id}
    for n in tree:
        if n.id != unit_id and top[n.id] != n.id:
            rows[top[n.id]].has_units = True
    for uid, figures in _figures_by_unit(session, [n.id for n in tree], today).items():
        rows[top[uid]].add(figures)
    year_start = today.replace(month=1, day=1)
    return [r for r in rows.values()
            if r.own or not (r.dissolved_on and r.dissolved_on < year_start and r.is_empty())]


def _figures_by_unit(
    session: Session, unit_ids: list[str], today: date
) -> dict[str, dict[str, int]]:
    """unit id -> the figures of its own records (only units that have some)."""
    soon = today + timedelta(days=SOON_DAYS)
    year_start = today.replace(month=1, day=1)
    out: dict[str, dict[str, int]] = {}

    def put(rows, *names: str) -> None:
        for uid, *values in rows:
            out.setdefault(uid, {}).update(zip(names, values, strict=True))

    due = Petition.next_due_date
    put(session.execute(
        select(Petition.unit_id, func.count(Petition.id),
               func.sum(case((due < today, 1), else_=0)),
               func.sum(case((due.between(today, soon), 1), else_=0)))
        .where(Petition.status.in_([str(s) for s in OPEN_STATUSES]),
               *_in_units(Petition.unit_id, unit_ids))
        .group_by(Petition.unit_id)
    ), "open_count", "overdue_count", "due_soon_count")
    put(session.execute(
        select(Petition.unit_id, func.count(Petition.id))
        .where(Petition.received_date.between(year_start, today),
               *_in_units(Petition.unit_id, unit_ids))
        .group_by(Petition.unit_id)
    ), "received_year")
    rs = ReceptionSession
    put(session.execute(
        select(rs.unit_id, func.count(rs.id))
        .where(rs.session_date.between(year_start, today), *_in_units(rs.unit_id, unit_ids))
        .group_by(rs.unit_id)
    ), "sessions_year")
    put(session.execute(
        select(Visit.unit_id, func.coalesce(func.sum(Visit.head_count), 0))
        .where(Visit.visit_date.between(year_start, today),
               *_in_units(Visit.unit_id, unit_ids))
        .group_by(Visit.unit_id)
    ), "citizens_year")
    return out
