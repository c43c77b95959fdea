"""The periodic report (báo cáo định kỳ): every figure computed from the records.

``periodic_report(session, unit_id, period)`` counts, for the unit and every unit below
it, and then by level and by unit: reception sessions and the citizens received, working
meetings and concluding notices, inspections and supervisions, and the petitions received,
carried over, processed, resolved, on time or late, and still open at the end; the trend
of the "hot" petitions against the previous period of the same length; and whether each
head met the reception duty month by month.

Every figure comes from SQL aggregates (GROUP BY), never from loading records one by one.
The petitions of the period are gathered into a temporary table (one row per petition
concerned, with the dates its history reached each stage), those received in the period
and those carried over into it each read by an index, and the breakdowns are aggregates
over that table; the legal deadlines are computed by the rules engine once per
distinct case (type, facts that matter, start day), never once per petition.

Definitions (the history of a petition is its append-only transition events):

- **status on a day** is the ``to_status`` of the last transition dated before that day.
  The lifecycle never returns to an earlier stage (``rules.lifecycle``: an open status is
  never re-entered once left, a handling decided is never undone), so the status on any
  day follows from three dates: when the petition was first *processed* (its first
  transition into a processed status: a handling decided), when it first *left the open
  statuses*, and when it was *resolved*. Each lifecycle step stores its date on the
  petition too (acceptance, handling, result, closing: the same dates as its events), and
  those are read in the one pass; the one date a later step overwrites — urging the
  responsible body moves the handling date — is taken from the petition's events. A
  petition imported without history is read from its stored dates alone.
- **received** (new): received within the period.
- **carried over**: received before the period and still open at its start. Of those,
  *awaiting processing* were still received or classified at the start; *in resolution*
  had been accepted and were being resolved.
- **to process** = new + carried over awaiting processing; **processed** = those that
  reached a processed status within the period; **processed rate** = processed / to
  process, rounded once (``round_percent``).
- **to resolve** = carried over in resolution + accepted within the period; **resolved**
  = a result recorded within the period; **resolved rate** = resolved / to resolve.
- **on time / late**: a petition processed in the period is on time when the date it
  was processed is on or before the earliest deadline running while it awaited
  processing (the due date the app showed for it then: processing, acceptance and, for a
  Party committee, the answer to the petitioner), computed with the rules engine from
  the rules in force on the day it was received; a petition resolved in the period is
  on time when its result is dated on or before its resolution deadline (from the day it
  was accepted, with its complexity, complaint level and the unit's remote-area flag).
  Extensions count when decided on or before the date compared. A petition resolved
  without a legal time limit (a recommendation, a reflection) is counted apart.
- **overdue at the end**: open at the end of the period (or today, for a period not yet
  over) with the deadline running in its stage then already past.
- **trend**: the count in the period against the count in the period of the same length
  just before (``previous_period``), by date received.
- **reception duty**: each active head with a duty role, for every calendar month of the
  period that has begun, the days owed (``rules.duty``) against the distinct days on
  which they presided a regular or unscheduled session or a dialogue.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from ..i18n import N_, _, format_date, format_number, format_percent, ngettext, round_percent
from ..model import (
    ConcludingNotice,
    DeadlineExtension,
    Field,
    Inspection,
    Official,
    Petition,
    PetitionEvent,
    ReceptionSession,
    Unit,
    Visit,
    WorkingMeeting,
)
from ..model.codes import (
    OPEN_STATUSES,
    PROCESSED_STATUSES,
    DutyRole,
    EventKind,
    Handling,
    InspectionBody,
    InspectionKind,
    Level,
    MeetingKind,
    PetitionType,
    Result,
    SessionKind,
    Status,
    UnitKind,
    label,
    results_for,
)
from ..rules.deadlines import Extension, PetitionFacts, as_rule_book, petition_deadlines
from ..rules.duty import duty_by_month, month_in_progress
from ..services import reference
from ..services.errors import NotFoundError
from ..services.units import unit_and_descendants
from ..text import collation_key, collation_key_text
from .periods import Period, last_day_of_month, previous_period

__all__ = [
    "DUTY_SESSION_KINDS",
    "NARRATIVE_SECTIONS",
    "TREND_CODES",
    "TREND_TITLES",
    "BreakdownRow",
    "CountRow",
    "DutyFigures",
    "DutyMonthFigures",
    "InspectionBodyRow",
    "InspectionFigures",
    "MeetingFigures",
    "PeriodicReport",
    "PetitionFigures",
    "ReceptionFigures",
    "ResultRow",
    "ScopeFigures",
    "SessionFigures",
    "Timeliness",
    "TrendRow",
    "UnitInfo",
    "narrative_skeleton",
    "periodic_report",
    "section_title",
]

#: kinds of session that count as a head's reception day (a routine desk does not)
DUTY_SESSION_KINDS = (SessionKind.REGULAR, SessionKind.UNSCHEDULED, SessionKind.DIALOGUE)
_DUTY_ROLES = (DutyRole.PARTY_SECRETARY, DutyRole.COMMITTEE_CHAIRMAN)
_LEVEL_ORDER = {str(level): i for i, level in enumerate(Level)}
_OPEN = sorted(str(s) for s in OPEN_STATUSES)
_PROCESSED = sorted(str(s) for s in PROCESSED_STATUSES)
_NON_OPEN = sorted(str(s) for s in Status if s not in OPEN_STATUSES)
_IN = 900  # ids per IN (...) list, well under every engine's bound-parameter limit

#: The last day a petition can have been open: never over for a petition still open, else
#: its closing, result or handling date (each step follows the one before), never over
#: when it has none. Migration 0024 indexes this very text (ix_petitions_open_until), so
#: that both databases find the petitions carried over into a period by that index: the
#: text must stay the same, character for character, as the statuses must.
OPEN_UNTIL_SQL = (
    "CASE WHEN {t}status IN ('accepted', 'classified', 'in_resolution', 'received') "
    "THEN '9999-12-31' "
    "ELSE coalesce({t}closed_date, {t}result_date, {t}handling_date, '9999-12-31') END"
)


def carried_in(dialect: str, start: date) -> ColumnElement[bool]:
    """The petitions received before ``start`` and possibly still open on it, as the
    index ``ix_petitions_open_until`` finds them."""
    p = Petition
    received: ColumnElement[date] = p.received_date.expression
    if dialect == "sqlite":
        # SQLite, without statistics, would rather read the dates received before the
        # period in ix_petitions_report (most of the table): a unary plus keeps that index
        # out (sqlite.org/optoverview.html, "disqualifying WHERE clause terms using unary +")
        received = literal_column(f"+{p.__table__.name}.received_date", Date())
    return and_(received < start, open_until(p.__table__.name) >= start)


def open_until(table: str = "") -> ColumnElement[date]:
    """:data:`OPEN_UNTIL_SQL` over ``table``'s columns (qualified by its name if given)."""
    return literal_column("(" + OPEN_UNTIL_SQL.format(t=f"{table}." if table else "") + ")",
                          Date())


# --- the report as data --------------------------------------------------------------


@dataclass
class UnitInfo:
    id: str
    code: str
    name: str
    level: str
    kind: str
    place_name: str = ""
    parent_body_name: str = ""
    parent_name: str = ""
    #: the parent unit's kind (a Party parent never heads a state document) and level
    parent_kind: str = ""
    parent_level: str = ""
    dissolved_on: date | None = None
    #: the head who signs the report (the Party secretary of a Party committee, the
    #: chairman of a People's Committee), when the database knows them
    head_name: str = ""
    head_position: str = ""


class Counts:
    """Figures that are plain counts: adding a unit's figures adds every field."""

    def add(self, other: Counts) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]  # subclasses: dataclasses
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class SessionFigures(Counts):
    """One kind of reception session: sessions held, visits (log-book rows), citizens
    received (the visits' head counts) and the delegations among the visits."""

    sessions: int = 0
    visits: int = 0
    citizens: int = 0
    delegations: int = 0
    delegation_citizens: int = 0



@dataclass
class ReceptionFigures:
    regular: SessionFigures = field(default_factory=SessionFigures)
    unscheduled: SessionFigures = field(default_factory=SessionFigures)
    routine: SessionFigures = field(default_factory=SessionFigures)
    dialogue: SessionFigures = field(default_factory=SessionFigures)
    total: SessionFigures = field(default_factory=SessionFigures)

    def kind(self, code: str) -> SessionFigures:
        return getattr(self, code) if code in SessionKind.__members__.values() else self.total

    def add(self, other: ReceptionFigures) -> None:
        for f in dataclasses.fields(self):
            getattr(self, f.name).add(getattr(other, f.name))


@dataclass
class MeetingFigures(Counts):
    meetings: int = 0
    regular: int = 0
    unscheduled: int = 0
    notices: int = 0
    notices_after_meetings: int = 0
    notices_after_sessions: int = 0



@dataclass
class InspectionFigures(Counts):
    total: int = 0
    inspections: int = 0
    supervisions: int = 0
    organisations: int = 0
    members: int = 0
    with_violations: int = 0



@dataclass
class PetitionFigures:
    received: int = 0
    carried_over: int = 0
    carried_unprocessed: int = 0
    carried_in_resolution: int = 0
    total: int = 0
    to_process: int = 0
    processed: int = 0
    processed_rate: float = 0.0
    accepted: int = 0
    to_resolve: int = 0
    resolved: int = 0
    resolved_rate: float = 0.0
    open_at_end: int = 0
    overdue_at_end: int = 0

    _SUMMED = (
        "received", "carried_over", "carried_unprocessed", "carried_in_resolution",
        "processed", "accepted", "resolved", "open_at_end", "overdue_at_end",
    )

    def add(self, other: PetitionFigures) -> None:
        for name in self._SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> None:
        """Derive the totals and the rates (each rounded once) from the counts."""
        self.total = self.received + self.carried_over
        self.to_process = self.received + self.carried_unprocessed
        self.to_resolve = self.carried_in_resolution + self.accepted
        self.processed_rate = round_percent(self.processed, self.to_process)
        self.resolved_rate = round_percent(self.resolved, self.to_resolve)


@dataclass
class ScopeFigures:
    """The figures of the whole report (scope "total"), of one level or of one unit."""

    scope: str
    code: str
    name: str = ""
    level: str = ""
    reception: ReceptionFigures = field(default_factory=ReceptionFigures)
    meetings: MeetingFigures = field(default_factory=MeetingFigures)
    inspections: InspectionFigures = field(default_factory=InspectionFigures)
    petitions: PetitionFigures = field(default_factory=PetitionFigures)
    #: for a unit's row: its id and the code of the unit above it (to rebuild the tree)
    unit_id: str = ""
    parent_code: str = ""

    def add(self, other: ScopeFigures) -> None:
        self.reception.add(other.reception)
        self.meetings.add(other.meetings)
        self.inspections.add(other.inspections)
        self.petitions.add(other.petitions)

    def is_empty(self) -> bool:
        return (
            self.reception.total == SessionFigures()
            and self.meetings == MeetingFigures()
            and self.inspections == InspectionFigures()
            and not any(getattr(self.petitions, n) for n in PetitionFigures._SUMMED)
        )


@dataclass
class InspectionBodyRow:
    body: str
    total: int = 0
    inspections: int = 0
    supervisions: int = 0
    organisations: int = 0
    members: int = 0
    with_violations: int = 0


@dataclass
class BreakdownRow:
    """Petitions of one type or one field (code None: not yet classified)."""

    code: str | None
    received: int = 0
    carried_over: int = 0
    processed: int = 0
    resolved: int = 0
    #: share of the petitions received in the period
    percent: float = 0.0


@dataclass
class CountRow:
    code: str | None
    count: int = 0
    percent: float = 0.0


@dataclass
class ResultRow:
    petition_type: str
    result: str | None
    count: int = 0


@dataclass
class Timeliness:
    processed_on_time: int = 0
    processed_late: int = 0
    processed_on_time_rate: float = 0.0
    resolved_on_time: int = 0
    resolved_late: int = 0
    resolved_without_deadline: int = 0
    resolved_on_time_rate: float = 0.0


@dataclass
class TrendRow:
    code: str
    now: int = 0
    before: int = 0
    difference: int = 0
    #: the change against the previous period in percent (None when it had none)
    change_percent: float | None = None


@dataclass
class DutyMonthFigures:
    year: int
    month: int
    required: int
    held: int
    met: bool
    #: the month is not over on the day of the report and its duty not yet met: shown as
    #: in progress, never judged (DESIGN §3 "Reception duty")
    in_progress: bool = False


@dataclass
class DutyFigures:
    official_id: str
    name: str
    position: str
    role: str
    unit_code: str
    unit_name: str
    level: str
    months: list[DutyMonthFigures] = field(default_factory=list)
    required: int = 0
    held: int = 0
    months_met: int = 0
    months_counted: int = 0
    met: bool = True


@dataclass
class Predecessor:
    """A unit dissolved in (or before) the period whose work passed to a unit of the
    report: its figures up to its dissolution are in the report's."""

    code: str
    name: str
    dissolved_on: date
    successor_name: str


@dataclass
class PeriodicReport:
    unit: UnitInfo
    period: Period
    previous: Period
    generated_on: date
    #: the day "overdue at the end" is judged on: the period's end, or today if earlier
    overdue_on: date
    total: ScopeFigures
    by_level: list[ScopeFigures] = field(default_factory=list)
    by_unit: list[ScopeFigures] = field(default_factory=list)
    inspections_by_body: list[InspectionBodyRow] = field(default_factory=list)
    by_type: list[BreakdownRow] = field(default_factory=list)
    by_field: list[BreakdownRow] = field(default_factory=list)
    by_handling: list[CountRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    timeliness: Timeliness = field(default_factory=Timeliness)
    trends: list[TrendRow] = field(default_factory=list)
    duty: list[DutyFigures] = field(default_factory=list)
    #: field code -> [Vietnamese name, English name]
    field_names: dict[str, list[str]] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    #: the audit log's head when the report was made (entry number, short fingerprint):
    #: printed on the paper, an anchor for the log outside the file
    audit_seq: int = 0
    audit_fingerprint: str = ""
    #: dissolved units whose figures up to their dissolution are counted with their
    #: successor's (two-tier local government)
    predecessors: list[Predecessor] = field(default_factory=list)

    @property
    def has_subordinates(self) -> bool:
        return len(self.by_unit) > 1

    def trend(self, code: str) -> TrendRow:
        return next((t for t in self.trends if t.code == code), TrendRow(code))

    def field_name(self, code: str | None) -> str:
        from ..i18n import current_language

        if code is None:
            return _("Not classified")
        names = self.field_names.get(code)
        if not names:
            return code
        return names[0] if current_language() == "vi" else names[1]

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, Period):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- computing it --------------------------------------------------------------------


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _IN):
        yield ids[i:i + _IN]


class _Scope:
    """The units a report covers, and the WHERE clause that restricts a column to them.

    With a ``period``, a unit dissolved by the period's end whose work passed to a unit of
    the report (its successor, two-tier local government) is covered too, with the units
    below it: a report of a period that spans the reform shows the dissolved unit's
    figures up to its dissolution beside the successor's (:attr:`predecessors`)."""

    def __init__(self, session: Session, unit_id: str, period: Period | None = None) -> None:
        root = session.get(Unit, unit_id)
        if root is None:
            raise NotFoundError(_("The unit no longer exists."))
        self.root = root
        self.ids = unit_and_descendants(session, unit_id)
        if period is not None:  # and those below it when the period began (a commune
            # under its district before the two-tier reform moved it to the province)
            known = set(self.ids)
            self.ids += [u for u in unit_and_descendants(session, unit_id, on=period.start)
                         if u not in known]
        rows = session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.level, Unit.kind, Unit.dissolved_on,
                   Unit.parent_id, Unit.successor_id)
        ).all()
        wanted = set(self.ids)
        #: the dissolved units whose successor is in the report: (unit row, successor id)
        self.predecessors: list[tuple[Any, str]] = []
        while period is not None:
            found = [r for r in rows if r.id not in wanted and r.successor_id in wanted
                     and r.dissolved_on is not None and r.dissolved_on <= period.end]
            if not found:
                break
            for r in found:
                self.predecessors.append((r, r.successor_id))
                for uid in unit_and_descendants(session, r.id):
                    if uid not in wanted:
                        wanted.add(uid)
                        self.ids.append(uid)
        self.units: dict[str, Any] = {r.id: r for r in rows if r.id in wanted}
        self.codes: dict[str, str] = {r.id: r.code for r in rows}
        total = session.scalar(select(func.count(Unit.id))) or 0
        # The whole database: no restriction at all (the fastest plans).
        self.everything = len(wanted) >= total

    def where(self, column) -> list:
        """Restrict ``column`` to the units; nothing at all for the whole database (a
        query that reads most rows is fastest as a plain scan)."""
        return [] if self.everything else self.seek(column)

    def seek(self, column) -> list:
        """Restrict ``column`` to the units even for the whole database, so that a
        range query uses the (unit, date) indexes."""
        if len(self.ids) <= _IN:
            return [column.in_(self.ids)]
        return [or_(*(column.in_(chunk) for chunk in _chunks(self.ids)))]


def periodic_report(
    session: Session, unit_id: str, period: Period, today: date | None = None
) -> PeriodicReport:
    """The periodic report of the unit and every unit below it (see the module doc)."""
    started = time.perf_counter()
    today = today or date.today()
    scope = _Scope(session, unit_id, period)
    root = scope.root
    parent_name = parent_kind = parent_level = ""
    if root.parent_id:
        parent = session.get(Unit, root.parent_id)
        if parent is not None:
            parent_name, parent_kind, parent_level = parent.name, parent.kind, parent.level
    info = UnitInfo(
        id=root.id, code=root.code, name=root.name, level=root.level, kind=root.kind,
        place_name=root.place_name or "", parent_body_name=root.parent_body_name or "",
        parent_name=parent_name, parent_kind=parent_kind, parent_level=parent_level,
        dissolved_on=root.dissolved_on,
    )
    info.head_name, info.head_position = _head_of(session, root)
    overdue_on = min(period.end, today)
    per_unit: dict[str, ScopeFigures] = {}

    def unit_figures(uid: str) -> ScopeFigures:
        fig = per_unit.get(uid)
        if fig is None:
            u = scope.units[uid]
            fig = per_unit[uid] = ScopeFigures(
                "unit", u.code, u.name, u.level, unit_id=uid,
                parent_code=scope.codes.get(u.parent_id, "") if u.parent_id else "")
        return fig

    for uid in scope.units:
        unit_figures(uid)

    _reception(session, scope, period, unit_figures)
    _meetings(session, scope, period, unit_figures)
    by_body = _inspections(session, scope, period, unit_figures)
    pet = _PetitionCalculator(session, scope, period, overdue_on).run(unit_figures)

    total = ScopeFigures("total", root.code, root.name, root.level)
    levels: dict[str, ScopeFigures] = {}
    for fig in per_unit.values():
        total.add(fig)
        fig.petitions.finish()
        lvl = levels.setdefault(fig.level, ScopeFigures("level", fig.level, "", fig.level))
        lvl.add(fig)
    total.petitions.finish()
    for lvl in levels.values():
        lvl.petitions.finish()

    def unit_order(uid: str) -> tuple:
        u = scope.units[uid]
        return (uid != root.id, _LEVEL_ORDER.get(u.level, 99), collation_key_text(u.name), u.code)

    by_unit = []
    for uid in sorted(per_unit, key=unit_order):
        u = scope.units[uid]
        fig = per_unit[uid]
        # A unit dissolved before the period (a district, after 2025) and silent in it is
        # history only: it does not get an empty row.
        if uid != root.id and u.dissolved_on and u.dissolved_on < period.start \
                and fig.is_empty():
            continue
        by_unit.append(fig)
    shown_levels = {f.level for f in by_unit}
    shown_units = {f.unit_id for f in by_unit}
    by_level = [
        levels[code]
        for code in sorted(levels, key=lambda c: (_LEVEL_ORDER.get(c, 99), c))
        if code in shown_levels
    ]

    previous = previous_period(period)
    now = dict(pet.flags, received=total.petitions.received,
               delegation_visits=total.reception.total.delegations)
    trends = _trends(now, _counts_received(session, scope, previous))
    duty = _duty(session, scope, period, today)
    report = PeriodicReport(
        unit=info,
        period=period,
        previous=previous,
        generated_on=today,
        overdue_on=overdue_on,
        total=total,
        by_level=by_level,
        by_unit=by_unit,
        inspections_by_body=by_body,
        by_type=pet.by_type,
        by_field=pet.by_field,
        by_handling=pet.by_handling,
        results=pet.results,
        timeliness=pet.timeliness,
        trends=trends,
        duty=duty,
        field_names=field_names(session),
        predecessors=[
            Predecessor(r.code, r.name, r.dissolved_on, scope.units[succ].name)
            for r, succ in sorted(scope.predecessors, key=lambda x: (x[0].dissolved_on,
                                                                   x[0].code))
            if r.id in shown_units],  # one dissolved before the period, silent: history
    )
    from ..services.audit import short_head

    report.audit_seq, report.audit_fingerprint = short_head(session)
    report.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return report


def field_names(session: Session) -> dict[str, list[str]]:
    """The fields of petitions: code -> [Vietnamese name, English name]."""
    return {code: [vi, en] for code, vi, en in
            session.execute(select(Field.code, Field.name_vi, Field.name_en))}


def _head_of(session: Session, unit: Unit) -> tuple[str, str]:
    """(name, position) of the head who signs for the unit, or blanks."""
    wanted = DutyRole.PARTY_SECRETARY if unit.kind == UnitKind.PARTY \
        else DutyRole.COMMITTEE_CHAIRMAN
    rows = session.execute(
        select(Official.full_name, Official.position, Official.duty_role)
        .where(Official.unit_id == unit.id, Official.active.is_(True),
               Official.duty_role.in_([str(r) for r in _DUTY_ROLES]))
        .order_by(Official.sort_key)
    ).all()
    rows = sorted(rows, key=lambda r: r.duty_role != wanted)
    return (rows[0].full_name, rows[0].position or "") if rows else ("", "")


def _count_true(column) -> Any:
    return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)


def _reception(session: Session, scope: _Scope, period: Period, unit_figures) -> None:
    rs = ReceptionSession
    for uid, kind, count in session.execute(
        select(rs.unit_id, rs.kind, func.count(rs.id))
        .where(rs.session_date.between(period.start, period.end), *scope.seek(rs.unit_id))
        .group_by(rs.unit_id, rs.kind)
    ):
        fig = unit_figures(uid).reception
        fig.kind(kind).sessions += count
        fig.total.sessions += count
    rows = session.execute(
        select(
            Visit.unit_id,
            rs.kind,
            func.count(Visit.id),
            func.coalesce(func.sum(Visit.head_count), 0),
            _count_true(Visit.is_delegation),
            func.coalesce(
                func.sum(case((Visit.is_delegation.is_(True), Visit.head_count), else_=0)), 0
            ),
        )
        .join(rs, rs.id == Visit.session_id)
        .where(*scope.seek(Visit.unit_id), Visit.visit_date.between(period.start, period.end))
        .group_by(Visit.unit_id, rs.kind)
    )
    for uid, kind, visits, citizens, delegations, delegation_citizens in rows:
        fig = unit_figures(uid).reception
        for target in {id(x): x for x in (fig.kind(kind), fig.total)}.values():
            target.visits += visits
            target.citizens += int(citizens)
            target.delegations += int(delegations)
            target.delegation_citizens += int(delegation_citizens)


def _meetings(session: Session, scope: _Scope, period: Period, unit_figures) -> None:
    wm = WorkingMeeting
    for uid, kind, count in session.execute(
        select(wm.unit_id, wm.kind, func.count(wm.id))
        .where(wm.meeting_date.between(period.start, period.end), *scope.seek(wm.unit_id))
        .group_by(wm.unit_id, wm.kind)
    ):
        fig = unit_figures(uid).meetings
        fig.meetings += count
        if kind == MeetingKind.REGULAR:
            fig.regular += count
        elif kind == MeetingKind.UNSCHEDULED:
            fig.unscheduled += count
    cn = ConcludingNotice
    after_meeting = cn.meeting_id.is_not(None)
    for uid, of_meeting, count in session.execute(
        select(cn.unit_id, after_meeting, func.count(cn.id))
        .where(cn.issued_on.between(period.start, period.end), *scope.where(cn.unit_id))
        .group_by(cn.unit_id, after_meeting)
    ):
        fig = unit_figures(uid).meetings
        fig.notices += count
        if of_meeting:
            fig.notices_after_meetings += count
        else:
            fig.notices_after_sessions += count


def _inspections(
    session: Session, scope: _Scope, period: Period, unit_figures
) -> list[InspectionBodyRow]:
    ins = Inspection
    rows = session.execute(
        select(
            ins.unit_id, ins.body, ins.kind, func.count(ins.id),
            func.coalesce(func.sum(ins.organisation_count), 0),
            func.coalesce(func.sum(ins.member_count), 0),
            _count_true(ins.violations_found),
        )
        .where(*scope.seek(ins.unit_id),
               ins.inspection_date.between(period.start, period.end))
        .group_by(ins.unit_id, ins.body, ins.kind)
    ).all()
    bodies: dict[str, InspectionBodyRow] = {}
    for uid, body, kind, count, orgs, members, violations in rows:
        fig = unit_figures(uid).inspections
        row = bodies.setdefault(body, InspectionBodyRow(body))
        for target in (fig, row):
            target.total += count
            if kind == InspectionKind.SUPERVISION:
                target.supervisions += count
            else:
                target.inspections += count
            target.organisations += int(orgs)
            target.members += int(members)
            target.with_violations += int(violations)
    order = {str(b): i for i, b in enumerate(InspectionBody)}
    return sorted(bodies.values(), key=lambda r: (order.get(r.body, 99), r.body))


# --- petitions -----------------------------------------------------------------------


_TEMP = MetaData()

#: One row per petition concerned, with the dates its history reached each stage. A
#: temporary table lives in the connection only; it has no primary key because it is only
#: ever scanned, and keeping an index on the ids would triple the time to fill it. Its
#: name is fixed so that SQLAlchemy compiles the report's statements once per process.
_T = Table(
    "rd_report_petitions",
    _TEMP,
    Column("id", String(32), nullable=False),
    Column("unit_id", String(32), nullable=False),
    Column("petition_type", String(20), nullable=False),
    Column("field_code", String(40)),
    Column("handling", String(20)),
    Column("result", String(20)),
    Column("received_date", Date, nullable=False),
    # the facts the deadlines depend on, reduced to those the rules use (a profile)
    Column("p_profile", Integer, nullable=False),
    Column("r_profile", Integer, nullable=False),
    Column("has_ext", Boolean, nullable=False),
    Column("is_delegation", Boolean, nullable=False),
    Column("beyond_level", Boolean, nullable=False),
    Column("long_running", Boolean, nullable=False),
    Column("many_signers", Boolean, nullable=False),
    Column("processed_on", Date),
    Column("accepted_on", Date),
    Column("left_open_on", Date),
    Column("resolved_on", Date),
    prefixes=["TEMPORARY"],
)

#: The deadline of each distinct case, computed once by the rules engine.
_D = Table(
    "rd_report_dues",
    _TEMP,
    Column("stage", String(10), primary_key=True),
    Column("profile", Integer, primary_key=True),
    Column("start", Date, primary_key=True),
    Column("due", Date),
    prefixes=["TEMPORARY"],
    # SQLite: the key is the table (one look-up per join, not index then row)
    sqlite_with_rowid=False,
)
#: The same on PostgreSQL, without the key: the join hashes the table, and keeping a key
#: up to date while it is filled cost more than the filling itself.
_D_PLAIN = Table(
    "rd_report_dues",
    MetaData(),
    *(Column(c.name, c.type, nullable=c.nullable) for c in _D.columns),
    prefixes=["TEMPORARY"],
)


@dataclass
class _PetitionResults:
    by_type: list[BreakdownRow]
    by_field: list[BreakdownRow]
    by_handling: list[CountRow]
    results: list[ResultRow]
    timeliness: Timeliness
    #: trend counts of the petitions received in the period
    flags: dict[str, int]


_STAGE_STATUS = {"process": Status.RECEIVED, "resolve": Status.ACCEPTED}
#: "not yet" in the table's date columns, so that conditions are plain comparisons
NEVER = date(9999, 12, 31)
#: deadlines are computed ahead for every day from this long before the period
DENSE_BEFORE_DAYS = 31


_TYPES: tuple[str, ...] = tuple(str(x) for x in PetitionType)


@dataclass(frozen=True)
class _Profile:
    """The facts one stage's deadlines depend on (the others are zeroed)."""

    petition_type: str
    complex: bool = False
    remote: bool = False
    party: bool = False
    second_round: bool = False

    def encode(self) -> int:
        index = _TYPES.index(self.petition_type) if self.petition_type in _TYPES else \
            len(_TYPES)
        return (index << 4) | (self.complex << 3) | (self.remote << 2) | (self.party << 1) \
            | int(self.second_round)

    @classmethod
    def decode(cls, value: int) -> _Profile:
        index = value >> 4
        ptype = _TYPES[index] if index < len(_TYPES) else "?"
        return cls(ptype, bool(value & 8), bool(value & 4), bool(value & 2), bool(value & 1))


class _PetitionCalculator:
    """The petition figures, from two temporary tables and a handful of aggregates.

    The stages are read from the dates each lifecycle step stores on the petition (the
    same dates as its transition events: acceptance, handling, result, closing); the
    one date a later step overwrites — urging the responsible body after forwarding
    moves the handling date — is taken from the events instead. This keeps the report
    to one pass over the petitions and index look-ups, whatever the database's size.
    """

    def __init__(self, session: Session, scope: _Scope, period: Period, overdue_on: date):
        self.session = session
        self.scope = scope
        self.period = period
        self.overdue_on = overdue_on
        self.rules = as_rule_book(reference.deadline_rules(session))
        self.calendar = reference.work_calendar(session)
        self._due_cache: dict[tuple, date | None] = {}
        self._relevance = {(stage, ptype): self._relevant(stage, ptype)
                           for stage in _STAGE_STATUS for ptype in _TYPES}
        self._profiles = self._all_profiles()

    def run(self, unit_figures) -> _PetitionResults:
        conn = self.session.connection()
        t, d = _T, (_D if conn.dialect.name == "sqlite" else _D_PLAIN)
        for table in (t, d):  # left over by a report interrupted on this connection
            table.drop(conn, checkfirst=True)
            table.create(conn)
        # The deadlines of every day of the period are computed in Python while the
        # database fills the table (the driver lets go of the interpreter meanwhile); a
        # report with few petitions computes only the cases they have.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-deadlines") \
            if self._dense_pays() else None
        try:
            dense = pool.submit(self._dense_dues) if pool is not None else None
            self._fill(t)
            self._fix_urged(t)
            self._fill_dues(t, d, dense.result() if dense is not None else None)
            if conn.dialect.name == "postgresql":
                # Temporary tables get no statistics of their own (autovacuum never sees
                # them): without these the join of petitions to their deadlines is planned
                # for a few rows and runs as nested loops over every petition.
                conn.exec_driver_sql(f"ANALYZE {d.name}")
            return self._figures(t, d, unit_figures)
        finally:
            if pool is not None:  # a failed report does not wait for the deadlines
                pool.shutdown(wait=False, cancel_futures=True)
            d.drop(conn)
            t.drop(conn)

    # --- which facts the deadlines depend on ------------------------------------------

    def _relevant(self, stage: str, ptype: str) -> tuple[bool, bool, bool, bool]:
        """(complexity, remote area, Party unit, complaint level) matter for the stage's
        deadlines of this type? Asked of the rules engine, not assumed."""
        day = self.period.end

        def keys(party: bool, round_: int) -> set[str]:
            facts = PetitionFacts(petition_type=ptype, status=_STAGE_STATUS[stage],
                                  received_date=day, accepted_date=day,
                                  complaint_round=round_, party_unit=party, notified=True)
            return {x.key for x in petition_deadlines(facts, self.rules, self.calendar)}

        base, party, second = keys(False, 1), keys(True, 1), keys(False, 2)
        versions = [r for key in base | party | second for r in self.rules.versions(key)]
        cx = any(r.complex_days is not None or r.remote_complex_days is not None
                 for r in versions)
        remote = any(r.remote_days is not None or r.remote_complex_days is not None
                     for r in versions)
        return cx, remote, party != base, second != base

    def _all_profiles(self) -> dict[str, list[int]]:
        """Every profile a petition can have in each stage."""
        out: dict[str, list[int]] = {}
        for stage in _STAGE_STATUS:
            profiles = set()
            for ptype in _TYPES:
                cx, remote, party, rnd = self._relevance[(stage, ptype)]
                for flags in product(*((False, True) if x else (False,)
                                       for x in (cx, remote, party, rnd))):
                    profiles.add(_Profile(ptype, *flags).encode())
            out[stage] = sorted(profiles)
        return out

    def _profile_expr(self, stage: str, p, unit) -> Any:
        """SQL for the encoded profile of a petition row in ``stage``."""
        whens = []
        for i, ptype in enumerate(_TYPES):
            cx, remote, party, rnd = self._relevance[(stage, ptype)]
            expr: ColumnElement[int] = literal(i << 4)
            if cx:
                expr = expr + case((func.coalesce(p.complexity, 0) > 0, 8), else_=0)
            if remote:
                expr = expr + case((unit.remote_area.is_(True), 4), else_=0)
            if party:
                expr = expr + case((unit.kind == UnitKind.PARTY, 2), else_=0)
            if rnd:
                expr = expr + case((func.coalesce(p.complaint_round, 1) >= 2, 1), else_=0)
            whens.append((p.petition_type == ptype, expr))
        return case(*whens, else_=literal(len(_TYPES) << 4))

    # --- the petitions concerned ------------------------------------------------------

    def _fill(self, t: Table) -> None:
        p = Petition
        start, end = self.period.start, self.period.end
        # The petitions concerned, in two parts each read by its own index: those received
        # in the period (the range of ix_petitions_report, which holds every column read
        # here), and those received before it and possibly still open at its start
        # (ix_petitions_open_until). One condition joining both by OR reads every petition.
        parts = [
            p.received_date.between(start, end),
            carried_in(self.session.get_bind().dialect.name, start),
        ]
        processed = p.status.in_(_PROCESSED)
        cols = select(
            p.id,
            p.unit_id,
            p.petition_type,
            p.field_code,
            p.handling,
            p.result,
            p.received_date,
            self._profile_expr("process", p, Unit),
            self._profile_expr("resolve", p, Unit),
            p.id.in_(select(DeadlineExtension.petition_id)),
            func.coalesce(p.is_delegation, False),
            func.coalesce(p.beyond_level, False),
            func.coalesce(p.long_running, False),
            func.coalesce(p.many_signers, False),
            # first processed: the handling decided (accepted, guided, forwarded, ...)
            case((processed, func.coalesce(p.accepted_date, p.handling_date, p.result_date,
                                           p.closed_date, p.received_date)), else_=NEVER),
            case((processed, p.accepted_date)),
            # left the open statuses: resolved, or handled without resolution
            case((p.status.in_(_NON_OPEN), func.coalesce(p.result_date, p.handling_date,
                                                         p.closed_date, p.received_date)),
                 else_=NEVER),
            case((p.status.in_([Status.RESOLVED, Status.CLOSED]), p.result_date)),
        ).select_from(p).join(Unit, Unit.id == p.unit_id).where(*self.scope.where(p.unit_id))
        for part in parts:
            self.session.execute(insert(t).from_select([c.name for c in t.columns],
                                                       cols.where(part)))

    def _fix_urged(self, t: Table) -> None:
        """Urging overwrote the handling date: the events keep the first decision. (An
        urged petition was forwarded or urged from the start, so it left the open
        statuses on the day it was first processed.)"""
        e = PetitionEvent
        first = (
            select(func.min(e.event_date))
            .where(e.petition_id == t.c.id, e.kind == EventKind.TRANSITION,
                   e.to_status.in_(_PROCESSED))
            .scalar_subquery()
        )
        # Only where the urging fell in or after the period can the first decision move
        # the petition into it (the first decision is never later than the urging).
        urged = and_(t.c.handling == Handling.URGE, t.c.processed_on >= self.period.start)
        self.session.execute(
            update(t).where(urged).values(processed_on=func.coalesce(first, t.c.processed_on))
        )
        # ... and it left the open statuses that day (forwarded, or urged at once).
        self.session.execute(
            update(t).where(t.c.handling == Handling.URGE, t.c.left_open_on > t.c.processed_on)
            .values(left_open_on=t.c.processed_on)
        )

    # --- conditions on the table ------------------------------------------------------

    def _conditions(self, t: Table) -> dict[str, Any]:
        c = t.c
        start, end, day = self.period.start, self.period.end, self.overdue_on
        # processed_on and left_open_on hold NEVER (9999-12-31) for "not yet": plain
        # comparisons, no NULL tests.
        carried = and_(c.received_date < start, c.left_open_on >= start)
        return {
            "new": c.received_date >= start,
            "carried": carried,
            "carried_unprocessed": and_(carried, c.processed_on >= start),
            "processed": c.processed_on.between(start, end),
            "accepted": c.accepted_on.between(start, end),
            "resolved": c.resolved_on.between(start, end),
            "open_at_end": c.left_open_on > end,
            "open_then": and_(c.received_date <= day, c.left_open_on > day),
            "in_resolution_then": c.processed_on <= day,
            # a case is resolved from its acceptance, which is when it was processed
            "resolve_start": c.processed_on,
        }

    # --- deadlines --------------------------------------------------------------------

    def _due(self, stage: str, profile: int, start: date,
             extensions: tuple[Extension, ...] = ()) -> date | None:
        """The earliest deadline running in the stage ("process" or "resolve")."""
        key = (stage, profile, start)
        if not extensions and key in self._due_cache:
            return self._due_cache[key]
        pr = _Profile.decode(profile)
        facts = PetitionFacts(
            petition_type=pr.petition_type, status=_STAGE_STATUS[stage], received_date=start,
            accepted_date=start, complaint_round=2 if pr.second_round else 1,
            complex=pr.complex, remote_area=pr.remote, party_unit=pr.party,
            # resolution is judged against the resolution limit, not the notice of
            # acceptance (Luật Tố cáo 2018, Điều 29) that runs beside it
            notified=True, extensions=extensions,
        )
        running = petition_deadlines(facts, self.rules, self.calendar)
        due = min((x.due for x in running), default=None)
        if not extensions:
            self._due_cache[key] = due
        return due

    def _dense_from(self) -> date:
        return self.period.start - timedelta(days=DENSE_BEFORE_DAYS)

    def _dense_dues(self) -> list[tuple[str, int, date, date | None]]:
        """The deadline of every profile for every day from a month before the period to
        the day judged: the days most petitions concerned started on."""
        first, last = self._dense_from(), self.overdue_on
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return [
            (stage, profile, day, self._due(stage, profile, day))
            for stage, profiles in self._profiles.items()
            for profile in profiles
            for day in days
        ]

    def _dense_pays(self) -> bool:
        """Every day's deadlines computed ahead pay for a report with more petitions than
        the days × profiles they cover (a province); a commune's report computes only
        the cases its own petitions have, after the table is filled."""
        first, last = self._dense_from(), self.overdue_on
        entries = ((last - first).days + 1) * sum(len(v) for v in self._profiles.values())
        p = Petition
        # counted up to the break-even point only: an index range, stopped early
        some = select(p.id).where(*self.scope.where(p.unit_id),
                                  p.received_date.between(first, last)).limit(entries // 2)
        found = self.session.scalar(select(func.count()).select_from(some.subquery())) or 0
        return found >= entries // 2

    def _fill_dues(self, t: Table, d: Table, dense: list | None) -> None:
        """The deadline of every case the figures compare against: the days computed in
        the background and the few older starts of petitions carried over, or (no dense
        days) every start the petitions have."""
        c, k = t.c, self._conditions(t)
        plain = c.has_ext.is_(False)
        since = self._dense_from() if dense is not None else NEVER
        older = and_(plain, c.received_date < since)
        wanted = (
            ("process", c.p_profile, c.received_date,
             and_(older, or_(k["processed"], and_(k["open_then"], ~k["in_resolution_then"])))),
            ("resolve", c.r_profile, k["resolve_start"],
             and_(plain, k["resolve_start"] < since,
                  or_(k["resolved"], and_(k["open_then"], k["in_resolution_then"])))),
        )
        rows = list(dense or [])
        for stage, profile, start, cond in wanted:
            for prof, st in self.session.execute(select(profile, start).where(cond).distinct()):
                rows.append((stage, prof, st, self._due(stage, prof, st)))
        if not rows:
            return
        conn = self.session.connection()
        if conn.dialect.name == "sqlite":  # SQLite keeps dates as ISO text
            rows = [(a, b, st.isoformat(), due.isoformat() if due else None)
                    for a, b, st, due in rows]
        # Straight to the driver: thousands of rows, no need for SQLAlchemy's processing.
        if conn.dialect.name == "postgresql":
            # One statement with the rows as one text the server splits: a statement per
            # row costs a round trip each (475 ms for a province's year), and four arrays
            # of Python values cost the driver more to send than the server to insert.
            text = ";".join(f"{stage},{profile},{start.isoformat()},"
                            f"{due.isoformat() if due is not None else ''}"
                            for stage, profile, start, due in rows)
            conn.exec_driver_sql(
                f"INSERT INTO {d.name} (stage, profile, start, due) "
                "SELECT f[1], f[2]::integer, f[3]::date, nullif(f[4], '')::date "
                "FROM (SELECT string_to_array(r, ',') AS f "
                "FROM unnest(string_to_array(%s, ';')) AS r) AS rows",
                (text,),
            )
            return
        conn.exec_driver_sql(
            f"INSERT INTO {d.name} (stage, profile, start, due) VALUES (?, ?, ?, ?)", rows)

    # --- the figures --------------------------------------------------------------------

    def _figures(self, t: Table, d: Table, unit_figures) -> _PetitionResults:
        c, k = t.c, self._conditions(t)
        day = self.overdue_on
        dp, dr = d.alias("dp"), d.alias("dr")

        def n(cond) -> Any:
            # COUNT(*) FILTER (WHERE …) (SQLite 3.30+, PostgreSQL): a third cheaper than
            # SUM(CASE …) over the table's rows
            return func.count().filter(cond)

        plain = c.has_ext.is_(False)
        proc_plain = and_(k["processed"], plain)
        res_plain = and_(k["resolved"], plain)
        overdue = and_(plain, k["open_then"], case(
            (k["in_resolution_then"], dr.c.due < day), else_=dp.c.due < day))
        new = k["new"]
        # Each sum costs a pass of expression evaluation over every row: the figures
        # that follow from others (on time = processed - late, ...) are derived.
        measures = [
            n(new), n(k["carried"]), n(k["carried_unprocessed"]), n(k["processed"]),
            n(k["accepted"]), n(k["resolved"]), n(k["open_at_end"]),
            n(proc_plain), n(and_(proc_plain, c.processed_on > dp.c.due)),
            n(res_plain), n(and_(res_plain, dr.c.due.is_(None))),
            n(and_(res_plain, c.resolved_on > dr.c.due)),
            n(overdue),
            n(and_(new, c.is_delegation.is_(True))),
            n(and_(new, c.beyond_level.is_(True))),
            n(and_(new, c.long_running.is_(True))),
            n(and_(new, c.many_signers.is_(True))),
        ]
        # The handling decided and the result recorded, as further sums (a second pass
        # over the table, or grouping by them too, would cost more).
        handlings = [str(h) for h in Handling]
        outcomes = [str(r) for r in Result]
        measures += [n(and_(k["processed"], c.handling == h)) for h in handlings]
        measures += [n(and_(k["resolved"], c.result == r)) for r in outcomes]
        query = (
            select(c.unit_id, c.petition_type, *measures)
            .select_from(
                t.outerjoin(dp, and_(dp.c.stage == "process", dp.c.profile == c.p_profile,
                                     dp.c.start == c.received_date))
                .outerjoin(dr, and_(dr.c.stage == "resolve", dr.c.profile == c.r_profile,
                                    dr.c.start == k["resolve_start"]))
            )
            .group_by(c.unit_id, c.petition_type)
        )
        types: dict[str, BreakdownRow] = {}
        handled: dict[str | None, int] = defaultdict(int)
        results_: dict[tuple[str, str | None], int] = defaultdict(int)
        fields: dict[str | None, BreakdownRow] = {}
        tl = Timeliness()
        flags = dict.fromkeys(("delegation", "beyond_level", "long_running", "many_signers"), 0)
        for row in self.session.execute(query):
            uid, ptype = row[:2]
            values = [int(x or 0) for x in row[2:]]
            (k_new, k_carried, k_unproc, k_proc, k_acc, k_res, k_open,
             p_plain, p_late, r_plain, r_none, r_late, k_overdue,
             f_deleg, f_beyond, f_long, f_many) = values[:17]
            by_handling_ = values[17:17 + len(handlings)]
            by_result = values[17 + len(handlings):]
            for code, count in zip(handlings, by_handling_, strict=True):
                handled[code] += count
            handled[None] += k_proc - sum(by_handling_)  # none or an unknown code
            for code, count in zip(outcomes, by_result, strict=True):
                if count:
                    # a recommendation or reflection is answered, never "đúng/sai" (older
                    # records may hold such a result: it is counted as answered)
                    if code not in results_for(ptype):
                        code = str(Result.ANSWERED) if ptype in _ANSWERED_TYPES else code
                    results_[(ptype, code)] += count
            if k_res - sum(by_result):
                results_[(ptype, None)] += k_res - sum(by_result)
            fig = unit_figures(uid).petitions
            fig.received += k_new
            fig.carried_over += k_carried
            fig.carried_unprocessed += k_unproc
            fig.carried_in_resolution += k_carried - k_unproc
            fig.processed += k_proc
            fig.accepted += k_acc
            fig.resolved += k_res
            fig.open_at_end += k_open
            fig.overdue_at_end += k_overdue
            tl.processed_on_time += p_plain - p_late
            tl.processed_late += p_late
            tl.resolved_without_deadline += r_none
            tl.resolved_on_time += r_plain - r_none - r_late
            tl.resolved_late += r_late
            flags["delegation"] += f_deleg
            flags["beyond_level"] += f_beyond
            flags["long_running"] += f_long
            flags["many_signers"] += f_many
            target = types.setdefault(ptype, BreakdownRow(ptype))
            target.received += k_new
            target.carried_over += k_carried
            target.processed += k_proc
            target.resolved += k_res
        # The fields apart, with the four figures they show: grouping the sums above by
        # field too would give several times the rows, each read back and added up here.
        for fcode, *counts in self.session.execute(
            select(c.field_code, n(new), n(k["carried"]), n(k["processed"]), n(k["resolved"]))
            .group_by(c.field_code)
        ):
            target = fields.setdefault(fcode, BreakdownRow(fcode))
            (target.received, target.carried_over, target.processed,
             target.resolved) = (int(x or 0) for x in counts)
        self._with_extensions(t, tl, unit_figures)
        tl.processed_on_time_rate = round_percent(
            tl.processed_on_time, tl.processed_on_time + tl.processed_late)
        tl.resolved_on_time_rate = round_percent(
            tl.resolved_on_time, tl.resolved_on_time + tl.resolved_late)

        received = sum(r.received for r in types.values())
        type_order = {x: i for i, x in enumerate(_TYPES)}
        by_type = [types.get(x) or BreakdownRow(x) for x in _TYPES]
        by_type += [r for code, r in types.items() if code not in type_order]
        field_order = {
            code: i for i, code in enumerate(self.session.scalars(
                select(Field.code).order_by(Field.sort_order, Field.code)))
        }
        by_field = sorted(
            fields.values(),
            key=lambda r: (-r.received, field_order.get(r.code, 999) if r.code else 1000),
        )
        for r in by_type + by_field:
            r.percent = round_percent(r.received, received)

        processed_total = sum(handled.values())
        handling_order = {str(h): i for i, h in enumerate(Handling)}
        by_handling = sorted(
            (CountRow(h, cnt, round_percent(cnt, processed_total))
             for h, cnt in handled.items() if cnt),
            key=lambda r: handling_order.get(r.code, 99) if r.code else 100,
        )
        result_order = {str(r): i for i, r in enumerate(Result)}
        results = sorted(
            (ResultRow(ptype, res, cnt) for (ptype, res), cnt in results_.items()),
            key=lambda r: (type_order.get(r.petition_type, 99),
                           result_order.get(r.result, 99) if r.result else 100),
        )
        return _PetitionResults(by_type, by_field, by_handling, results, tl, flags)

    def _with_extensions(self, t: Table, tl: Timeliness, unit_figures) -> None:
        """Petitions with extension decisions, one by one (there are few): an extension
        counts when decided on or before the day compared."""
        c, k = t.c, self._conditions(t)
        relevant = and_(c.has_ext.is_(True),
                        or_(k["processed"], k["resolved"], k["open_then"]))
        rows = self.session.execute(
            select(c.id, c.unit_id, c.p_profile, c.r_profile, c.received_date,
                   k["resolve_start"], c.processed_on, c.resolved_on, k["processed"],
                   k["resolved"], k["open_then"], k["in_resolution_then"])
            .where(relevant)
        ).all()
        if not rows:
            return
        x = DeadlineExtension
        exts: dict[str, list[Extension]] = defaultdict(list)
        for chunk in _chunks([r[0] for r in rows]):
            for pid, key, days, decided in self.session.execute(
                select(x.petition_id, x.deadline_key, x.days, x.decided_on)
                .where(x.petition_id.in_(chunk))
            ):
                exts[pid].append(Extension(key, days, decided))
        day = self.overdue_on
        for (pid, uid, p_prof, r_prof, received, acc, p_on, r_on, is_processed, is_resolved,
             is_open, in_res) in rows:
            mine = exts.get(pid, [])
            if is_processed:
                limit = self._due_until("process", p_prof, received, p_on, mine)
                if limit is None or p_on <= limit:
                    tl.processed_on_time += 1
                else:
                    tl.processed_late += 1
            if is_resolved:
                limit = self._due_until("resolve", r_prof, acc, r_on, mine)
                if limit is None:
                    tl.resolved_without_deadline += 1
                elif r_on <= limit:
                    tl.resolved_on_time += 1
                else:
                    tl.resolved_late += 1
            if is_open:
                limit = (self._due_until("resolve", r_prof, acc, day, mine) if in_res
                         else self._due_until("process", p_prof, received, day, mine))
                if limit is not None and limit < day:
                    unit_figures(uid).petitions.overdue_at_end += 1

    def _due_until(self, stage: str, profile: int, start: date | None, on: date,
                   extensions: list[Extension]) -> date | None:
        """The deadline with the extensions decided on or before ``on``, or one that
        answers the callers' question (is ``on`` within the deadline?) the same way."""
        if start is None:
            return None
        # Extensions only move a deadline later: a day within the deadline without them
        # is within it with them (most are), and the one without them is cached.
        plain = self._due(stage, profile, start)
        if plain is not None and on <= plain and all(e.days > 0 for e in extensions):
            return plain
        upto = tuple(e for e in extensions if e.decided_on <= on)
        return self._due(stage, profile, start, upto)


# --- trends and duty -----------------------------------------------------------------

#: the trend rows, in the order the report shows them
TREND_CODES: tuple[str, ...] = (
    "received", "delegation_visits", "delegation", "beyond_level", "long_running",
    "many_signers",
)
TREND_TITLES: dict[str, str] = {
    "received": N_("Petitions received"),
    "delegation_visits": N_("Delegations received at sessions"),
    "delegation": N_("Petitions brought by delegations"),
    "beyond_level": N_("Beyond-level petitions"),
    "long_running": N_("Long-running petitions"),
    "many_signers": N_("Petitions signed by many people"),
}


def _counts_received(session: Session, scope: _Scope, p: Period) -> dict[str, int]:
    """The trend counts of another period (by date received; visits by date)."""
    pt = Petition
    row = session.execute(
        select(
            func.count(pt.id), _count_true(pt.is_delegation), _count_true(pt.beyond_level),
            _count_true(pt.long_running), _count_true(pt.many_signers),
        # The whole database is not restricted: the report's covering index (by date
        # received) answers it, twice as fast as a look-up of every row by unit.
        ).where(*scope.where(pt.unit_id), pt.received_date.between(p.start, p.end))
    ).one()
    delegations = session.scalar(
        select(func.count(Visit.id)).where(
            *scope.seek(Visit.unit_id), Visit.visit_date.between(p.start, p.end),
            Visit.is_delegation.is_(True),
        )
    ) or 0
    received, delegation, beyond, long_running, many = (int(x or 0) for x in row)
    return {
        "received": received,
        "delegation_visits": int(delegations),
        "delegation": delegation,
        "beyond_level": beyond,
        "long_running": long_running,
        "many_signers": many,
    }


def _trends(a: dict[str, int], b: dict[str, int]) -> list[TrendRow]:
    rows = []
    for code in TREND_CODES:
        diff = a[code] - b[code]
        change = round_percent(diff, b[code]) if b[code] else None
        rows.append(TrendRow(code, a[code], b[code], diff, change))
    return rows


#: petition types whose resolution is an answer, not a judgement
_ANSWERED_TYPES = frozenset({"recommendation", "reflection"})


def _duty(session: Session, scope: _Scope, period: Period, today: date) -> list[DutyFigures]:
    months = [(y, m) for y, m in period.months() if date(y, m, 1) <= today]
    heads = session.execute(
        select(Official.id, Official.full_name, Official.position, Official.duty_role,
               Official.unit_id)
        .where(Official.active.is_(True),
               Official.duty_role.in_([str(r) for r in _DUTY_ROLES]),
               *scope.where(Official.unit_id))
    ).all()
    if not heads or not months:
        return []
    # Duty is judged by whole calendar months, even where the period cuts one.
    first = date(months[0][0], months[0][1], 1)
    last = last_day_of_month(*months[-1])
    rs = ReceptionSession
    held: dict[str, list[date]] = defaultdict(list)
    for oid, day in session.execute(
        select(rs.presiding_official_id, rs.session_date)
        .where(
            rs.session_date.between(first, last),
            rs.kind.in_([str(k) for k in DUTY_SESSION_KINDS]),
            rs.presiding_official_id.in_(
                select(Official.id).where(
                    Official.active.is_(True),
                    Official.duty_role.in_([str(r) for r in _DUTY_ROLES]),
                    *scope.where(Official.unit_id),
                )
            ),
        )
        .distinct()
    ):
        if oid is not None:  # (always: the query asks for the heads' sessions)
            held[oid].append(day)
    rules = reference.duty_rules(session)
    calendar = reference.work_calendar(session)
    # The days owed depend on the role and the level only: asked once for each pair.
    owed: dict[tuple[str, str], list] = {}
    result = []
    for oid, name, position, role, uid in heads:
        u = scope.units[uid]
        if (role, u.level) not in owed:
            owed[(role, u.level)] = duty_by_month(rules, role, u.level, [], months, calendar)
        days: dict[tuple[int, int], set[date]] = defaultdict(set)
        for day in held.get(oid, []):
            days[(day.year, day.month)].add(day)
        checked = []
        for m in owed[(role, u.level)]:
            if m.ended:  # no duty that month (no district level after the reform)
                continue
            count = len(days[(m.year, m.month)])
            met = count >= m.required
            checked.append(DutyMonthFigures(
                m.year, m.month, m.required, count, met,
                not met and month_in_progress(m.year, m.month, today)))
        if not checked:
            continue  # a head whose duty had ended for the whole period
        row = DutyFigures(
            official_id=oid, name=name, position=position or "", role=role,
            unit_code=u.code, unit_name=u.name, level=u.level, months=checked,
        )
        # Only whole months are judged: the one still running is shown apart.
        judged = [m for m in checked if not m.in_progress]
        row.required = sum(m.required for m in judged)
        row.held = sum(m.held for m in judged)
        row.months_met = sum(1 for m in judged if m.met)
        row.months_counted = len(judged)
        row.met = row.months_met == row.months_counted
        result.append(row)
    result.sort(key=lambda r: (r.unit_code != scope.root.code, _LEVEL_ORDER.get(r.level, 99),
                               collation_key_text(r.unit_name), r.role, collation_key(r.name)))
    return result


# --- narrative -----------------------------------------------------------------------

#: (key, heading) of the narrative sections, in the order of the printed report
NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("situation", N_("Situation of citizen reception, complaints and denunciations")),
    ("results", N_("Results")),
    ("strengths", N_("Strengths")),
    ("limitations", N_("Limitations and their causes")),
    ("tasks", N_("Tasks for the next period")),
    # not a chapter: the "Nơi nhận" of the document, one recipient a line
    ("recipients", N_("Recipients (one a line)")),
)


def section_title(key: str) -> str:
    title = dict(NARRATIVE_SECTIONS).get(key)
    return _(title) if title else key


def _n(value: int | float) -> str:
    return format_number(value)


def _trend_words(row: TrendRow) -> str:
    if row.difference > 0:
        return _("{count} more than in the previous period").format(count=_n(row.difference))
    if row.difference < 0:
        return _("{count} fewer than in the previous period").format(
            count=_n(-row.difference))
    return _("the same as in the previous period")


def _result_order(code: str | None) -> int:
    order = [str(r) for r in Result]
    return order.index(code) if code in order else len(order)


def _placeholder(text: str) -> str:
    return "[" + text + "]"


def narrative_skeleton(report: PeriodicReport) -> dict[str, str]:
    """The narrative sections pre-filled from the figures, in the current language.

    The official completes the bracketed placeholders before printing; the outputs take
    the edited texts.
    """
    t = report.total
    pf = t.petitions
    rc = t.reception
    received = report.trend("received")
    situation = [
        ngettext(
            "In the period {count} new petition was received ({trend}); carried over from "
            "the previous period: {carried}; in all: {total}.",
            "In the period {count} new petitions were received ({trend}); carried over from "
            "the previous period: {carried}; in all: {total}.",
            pf.received,
        ).format(count=_n(pf.received),
                 trend=_trend_words(received), carried=_n(pf.carried_over),
                 total=_n(pf.total))
    ]
    top = [r for r in report.by_field if r.received][:3]
    if top:
        situation.append(_("They mainly concern: {fields}.").format(fields="; ".join(
            f"{report.field_name(r.code).lower()} ({_n(r.received)}, "
            f"{format_percent(r.percent)})" for r in top)))
    deleg, beyond, longr = (report.trend(c) for c in
                            ("delegation_visits", "beyond_level", "long_running"))
    situation.append(
        _("Delegations received: {delegations} (previous period {delegations_before}); "
          "beyond-level petitions: {beyond} ({beyond_before}); long-running petitions: "
          "{long} ({long_before}).").format(
            delegations=_n(deleg.now), delegations_before=_n(deleg.before),
            beyond=_n(beyond.now), beyond_before=_n(beyond.before),
            long=_n(longr.now), long_before=_n(longr.before))
    )
    for p in report.predecessors:
        # two-tier local government: the figures of a unit dissolved in the period are the
        # report's too, up to its dissolution
        situation.append(_(
            "The figures include those of {unit} up to its dissolution on {date}; its work "
            "passed to {successor}.").format(unit=p.name, date=format_date(p.dissolved_on),
                                            successor=p.successor_name))
    situation.append(_placeholder(_("Describe the main causes and the notable cases: \u2026")))

    # Visits (lượt, log-book rows) and citizens (người, their head counts) are both named,
    # for every kind of session, routine-desk days included.
    results = [
        _("Regular reception sessions: {sessions}, visits: {visits}, citizens: {citizens}; "
          "unscheduled sessions: {u_sessions}, visits: {u_visits}, citizens: {u_citizens}; "
          "routine-desk days: {r_sessions}, visits: {r_visits}, citizens: {r_citizens}; "
          "dialogues: {dialogues}; delegations: {delegations}, people in them: "
          "{delegation_citizens}.").format(
            sessions=_n(rc.regular.sessions), visits=_n(rc.regular.visits),
            citizens=_n(rc.regular.citizens), u_sessions=_n(rc.unscheduled.sessions),
            u_visits=_n(rc.unscheduled.visits), u_citizens=_n(rc.unscheduled.citizens),
            r_sessions=_n(rc.routine.sessions), r_visits=_n(rc.routine.visits),
            r_citizens=_n(rc.routine.citizens), dialogues=_n(rc.dialogue.sessions),
            delegations=_n(rc.total.delegations),
            delegation_citizens=_n(rc.total.delegation_citizens))
    ]
    if len(report.by_level) > 1:
        from ..rules.duty import level_title

        results.append("; ".join(
            _("{level} \u2014 sessions: {sessions}, visits: {visits}, citizens: "
              "{citizens}").format(
                level=level_title(lv.level), sessions=_n(lv.reception.total.sessions),
                visits=_n(lv.reception.total.visits), citizens=_n(lv.reception.total.citizens))
            for lv in report.by_level) + ".")
    m = t.meetings
    results.append(
        _("Working meetings with subordinate units: {meetings}; concluding notices issued: "
          "{notices}.").format(meetings=_n(m.meetings), notices=_n(m.notices)))
    ins = t.inspections
    results.append(
        _("Inspections: {inspections}, supervisions: {supervisions}, of {organisations} "
          "organisations; violations found in {violations}.").format(
            inspections=_n(ins.inspections), supervisions=_n(ins.supervisions),
            organisations=_n(ins.organisations), violations=_n(ins.with_violations)))
    tl = report.timeliness
    results.append(
        _("Petitions processed: {processed} of {to_process}, a rate of {rate}; on time "
          "{on_time}, late {late}.").format(
            processed=_n(pf.processed), to_process=_n(pf.to_process),
            rate=format_percent(pf.processed_rate), on_time=_n(tl.processed_on_time),
            late=_n(tl.processed_late)))
    if pf.to_process > pf.processed:
        # processed 95 of 101: the other 6 are still to be processed, in the next period
        left = pf.to_process - pf.processed
        results.append(ngettext(
            "Of the petitions to process, {count} was not yet processed at the end of the "
            "period and passes to the next.",
            "Of the petitions to process, {count} were not yet processed at the end of the "
            "period and pass to the next.", left).format(count=_n(left)))
    if pf.to_process != pf.total:
        # received 105 + carried 2 = 107, but 101 to process: say why the totals differ
        results.append(
            _("Of the {total} petitions of the period, {to_process} were to be processed in "
              "it; the other {earlier} had been processed in an earlier period and were "
              "being resolved.").format(total=_n(pf.total), to_process=_n(pf.to_process),
                                        earlier=_n(pf.total - pf.to_process)))
    results.append(
        _("Cases resolved: {resolved} of {to_resolve}, a rate of {rate}.").format(
            resolved=_n(pf.resolved), to_resolve=_n(pf.to_resolve),
            rate=format_percent(pf.resolved_rate)))
    if pf.to_resolve > pf.resolved:
        left = pf.to_resolve - pf.resolved
        results.append(ngettext(
            "Of the cases to resolve, {count} was not yet resolved at the end of the "
            "period.",
            "Of the cases to resolve, {count} were not yet resolved at the end of the "
            "period.",
            left).format(count=_n(left)))
    by_result: dict[str | None, int] = defaultdict(int)
    for r in report.results:
        by_result[r.result] += r.count
    if any(by_result.values()):
        results.append(_("Results: {results}.").format(results="; ".join(
            f"{label(Result, code).lower() if code else _('Not recorded').lower()}: {_n(n)}"
            for code, n in sorted(by_result.items(), key=lambda x: _result_order(x[0]))
            if n)))
    results.append(
        _("Still being processed or resolved at the end of the period: {open}, of which "
          "overdue: {overdue}.").format(open=_n(pf.open_at_end),
                                       overdue=_n(pf.overdue_at_end)))

    heads = len(report.duty)
    met = sum(1 for d in report.duty if d.met)
    strengths = []
    if met:  # a strength is never "0 of 2": those who fell short are a limitation
        strengths.append(
            _("Heads who met their reception duty in every month of the period: {met} of "
              "{heads}.").format(met=_n(met), heads=_n(heads)))
    strengths.append(_placeholder(_("Strengths: \u2026")))
    limitations = []
    if pf.overdue_at_end:
        limitations.append(
            _("Petitions overdue at the end of the period: {count}.").format(
                count=_n(pf.overdue_at_end)))
    if tl.processed_late or tl.resolved_late:
        limitations.append(
            _("Petitions processed late: {processed}; cases resolved late: {resolved}.").format(
                processed=_n(tl.processed_late), resolved=_n(tl.resolved_late)))
    unmet = [d for d in report.duty if not d.met]
    if unmet:
        limitations.append(
            _("Heads who did not meet the reception duty in some months: {names}.").format(
                names="; ".join(f"{d.name} ({d.unit_name})" for d in unmet[:10])
                + ("; \u2026" if len(unmet) > 10 else "")))
    limitations.append(_placeholder(_("Limitations and their causes: \u2026")))
    tasks = [
        _("Keep receiving citizens on the published schedule; settle the petitions still "
          "open ({open}), the overdue ones first ({overdue}).").format(
            open=_n(pf.open_at_end), overdue=_n(pf.overdue_at_end)),
        _placeholder(_("Further tasks: \u2026")),
    ]
    return {
        "situation": " ".join(situation),
        "results": "\n".join(results),
        "strengths": "\n".join(strengths),
        "limitations": "\n".join(limitations),
        "tasks": "\n".join(tasks),
        "recipients": "\n".join(default_recipients(report.unit)),
    }


def _provincial_party_body(unit: UnitInfo) -> str:
    """'Tỉnh ủy Điện Biên' above a commune Party committee: its Party parent at province
    level, else read from its higher body ('Đảng bộ tỉnh Điện Biên'), else 'Tỉnh ủy'."""
    if unit.parent_kind == UnitKind.PARTY and unit.parent_level == "province":
        return unit.parent_name
    higher = " ".join((unit.parent_body_name or "").split())
    for party_body, committee in (("đảng bộ tỉnh ", "Tỉnh ủy "),
                                  ("đảng bộ thành phố ", "Thành ủy ")):
        if higher.lower().startswith(party_body):
            return committee + higher[len(party_body):].title()
    return _("the provincial Party Committee")


def default_recipients(unit: UnitInfo) -> list[str]:
    """The "Nơi nhận" of the report. A Party secretary reports as Kết luận 215-KL/TW
    (23/11/2025) amending Quy định 11-QĐi/TW, art. 3(8), says: a province secretary to the
    Politburo, the Secretariat, the Central Internal Affairs Commission and the Central
    Propaganda and Mass Mobilization Commission; a commune secretary to the provincial
    secretary and the provincial internal affairs and propaganda and mass mobilization
    commissions. Others: the higher body printed in the header, if any. Always the
    office's file copy; the official can edit the list before printing."""
    from ..documents.layout import parent_body_of

    if unit.kind == UnitKind.PARTY and unit.level == "province":
        out = [_("The Politburo (to report)"), _("The Secretariat (to report)"),
               _("The Central Internal Affairs Commission"),
               _("The Central Propaganda and Mass Mobilization Commission")]
    elif unit.kind == UnitKind.PARTY and unit.level == "commune":
        body = _provincial_party_body(unit)
        out = [_("The Secretary of {body} (to report)").format(body=body),
               _("The Internal Affairs Commission of {body}").format(body=body),
               _("The Propaganda and Mass Mobilization Commission of {body}").format(
                   body=body)]
    else:
        parent = parent_body_of(unit)
        out = [_("{body} (to report)").format(body=parent)] if parent else []
    return [*out, _("Filed: office")]
