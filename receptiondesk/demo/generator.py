"""Demo data: a commune, or a whole province, with years of realistic records.

This module runs the generator; its parts are in the package: ``records`` (scales, dates
and plain records), ``names`` (names, places and phrases), ``writer`` (ids, stored
values, batched inserts, bulk-load settings), and the mixins ``people``, ``reception``,
``plan`` (petitions) and ``work`` (meetings, notices, inspections).

:func:`generate_demo` fills an empty, freshly migrated database (the lookups,
sources and rules that :func:`~receptiondesk.db.open_database` seeds are used;
nothing else may be there yet) with Vietnamese offices, officials, citizens,
reception sessions and visits, petitions with their whole history, working
meetings with concluding notices, and inspections and supervisions.

* ``"small"``: one commune (Mường Phăng, Điện Biên): its Party committee (the
  home unit) and its People's Committee, three to four years ending ``today``.
* ``"province"``: an Điện Biên-like province: the provincial Party committee
  (home unit) and People's Committee, ten districts (dissolved on 2025-07-01)
  and 48 communes and wards, each with a Party committee and a People's
  Committee, over the five-year term ending ``today``: ~150k citizens, >100k
  visits, >300k petitions.

Every place has a Party committee and a People's Committee. A People's
Committee's parent is the Party committee of the same place (so a unit and its
descendants cover both); a district's Party committee is under the province's
and a commune's under its district's, kept after the districts were dissolved,
for history. A dissolved district's petitions are all handled by its last day.

Deterministic for a given ``seed`` and ``today``: every choice, id and timestamp
comes from one :class:`random.Random`. Ids are 32 hex digits laid out like a
UUIDv7 (a sequence number where the time goes, then 74 random bits), so they
sort in creation order and the B-tree indexes only ever append.

Speed: rows are written with ``executemany`` in batches inside one
transaction. On SQLite, values are pre-formatted the way SQLAlchemy stores
them, the load runs with a rollback journal (not WAL), no fsync and no
foreign-key checks (all restored afterwards), and the three triggers that feed
the search index on INSERT are dropped and re-created from the exact SQL stored
in the database around a set-based rebuild of the index. Folded keys are
assembled from cached folded parts and checked against
:mod:`receptiondesk.services.indexing` (a mismatch switches to those functions).
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..db import Database
from ..i18n import _
from ..model import Field, SourceEntry, Unit
from ..rules.calendar import WorkCalendar
from ..rules.deadlines import RuleBook
from ..services import reference
from .names import _FIELD_WEIGHTS, _TYPE_WEIGHTS, _Weights
from .people import People
from .plan import Petitions
from .reception import Reception
from .records import (
    DEMO_SCALES,
    DISTRICTS_DISSOLVED,
    SAMPLE_PROVINCE,
    _CollationCache,
    _FoldCache,
    _Place,
    _Seed,
    _Unit,
)
from .work import Work
from .writer import (
    _COLUMNS,
    _HIGH12,
    _INSERT_TRIGGERS,
    _LOW62,
    _SEARCHED,
    _TABLE_ORDER,
    _UUID7,
    _LoadPragmas,
    _Values,
    _Writer,
)

__all__ = ["DEMO_SCALES", "DemoSummary", "generate_demo"]


@dataclass
class DemoSummary:
    """What :func:`generate_demo` wrote: rows per table, and how long it took (seconds)."""

    scale: str
    seed: int
    today: date
    counts: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# =============================================================================

# =============================================================================
# The generator
# =============================================================================


class _Demo(People, Reception, Petitions, Work):
    #: how many records of each kind have their fast keys compared with the official ones
    VERIFY = 400

    def __init__(self, db: Database, scale: str, seed: int, today: date,
                 progress: Callable[[str, float], None] | None) -> None:
        self.db = db
        self.scale = scale
        self.rnd = random.Random(seed)
        self.r = self.rnd.random
        self.today = today
        self._progress = progress
        self.province = scale in ("province", SAMPLE_PROVINCE)
        self.sample = scale == SAMPLE_PROVINCE
        if self.province:
            years = 1 if self.sample else 5
            try:
                self.start = today.replace(year=today.year - years)
            except ValueError:  # 29 February
                self.start = today.replace(year=today.year - years, day=28)
        else:
            self.start = date(today.year - 3, 1, 1)
        self.dissolved_on = DISTRICTS_DISSOLVED if today >= DISTRICTS_DISSOLVED else None
        #: unit id -> the unit that took over its work when it was dissolved
        self.successor_of: dict[str, _Unit] = {}
        self.id_numbers: set[str] = set()
        self.units: list[_Unit] = []
        self.districts: list[_Place] = []
        self.saved_triggers: list[str] = []
        self.saved_indexes: list[str] = []
        self.F = _FoldCache()
        self.C = _CollationCache()
        self.fast_keys = True
        self.verify = {"content": self.VERIFY, "citizen": self.VERIFY, "visit": self.VERIFY,
                       "petition": self.VERIFY}
        self._seq = 0
        self._bits = self.rnd.getrandbits
        self._id_base = int(datetime(today.year, today.month, today.day, tzinfo=UTC)
                            .timestamp() * 1000)

    # --- small helpers -----------------------------------------------------------

    def progress(self, message: str, fraction: float) -> None:
        if self._progress is not None:
            self._progress(message, max(0.0, min(1.0, fraction)))

    def uid(self) -> str:
        """32 hex digits in the UUIDv7 layout: sequence, version 7, 74 random bits."""
        self._seq += 1
        bits = self._bits(74)
        return "%032x" % (((self._id_base + self._seq) << 80) | _UUID7
                          | ((bits & _HIGH12) << 2) | (bits & _LOW62))

    def ri(self, lo: int, hi: int) -> int:
        """A random integer in [lo, hi]."""
        return lo + int(self.r() * (hi - lo + 1))

    def ch(self, seq: Sequence):
        return seq[int(self.r() * len(seq))]

    def minute(self, lo: int = 7 * 60 + 30, hi: int = 17 * 60) -> int:
        return lo + int(self.r() * (hi - lo))

    def workday(self, lo: date, hi: date) -> date:
        """A random working day in [lo, hi] (lo itself if there is none)."""
        span = (hi - lo).days
        for _attempt in range(6):
            d = lo + timedelta(days=self.ri(0, max(span, 0)))
            if self.cal.is_working_day(d):
                return d
        first = self.cal.next_working_day(lo)
        return first if first <= hi else lo

    def checked(self, kind: str, fast, official: Callable[[], object]):
        """``fast`` while it matches ``official()`` on the first records of a kind."""
        if self.verify[kind] > 0:
            self.verify[kind] -= 1
            value = official()
            if value != fast:
                self.fast_keys = False
            return value
        return fast if self.fast_keys else official()

    # --- reference data ------------------------------------------------------------

    def load_reference(self) -> None:
        with self.db.session() as s:
            if s.scalar(select(Unit.id).limit(1)) is not None:
                raise ValueError(_("Demo data can only be added to an empty database."))
            self.book = RuleBook(reference.deadline_rules(s))
            self.cal: WorkCalendar = reference.work_calendar(s)
            field_codes = list(s.scalars(select(Field.code).where(Field.active.is_(True))
                                         .order_by(Field.sort_order, Field.code)))
            source_codes = set(s.scalars(select(SourceEntry.code)))
        if not field_codes or not source_codes:
            raise ValueError(_("The database has no fields or sources of petitions."))
        self.field_codes = field_codes
        self.w_field = _Weights({c: _FIELD_WEIGHTS.get(c, 2) for c in field_codes})
        wanted = ("reception", "post", "forwarded", "mailbox", "online")
        self.sources = [c for c in wanted if c in source_codes] or sorted(source_codes)
        self.reception_source = "reception" if "reception" in source_codes else self.sources[0]
        self.other_sources = [c for c in self.sources if c != "reception"] or self.sources
        self.w_type = {k: _Weights(v) for k, v in _TYPE_WEIGHTS.items()}


    # --- the whole run ---------------------------------------------------------------

    def run(self, conn: Connection, w: _Writer, v: _Values) -> None:
        self.progress(_("Creating units and officials…"), 0.02)
        province = self.make_places()
        if self.province:
            prov_party = self.make_unit(province, "party", None, w, v, home=True)
            prov_state = self.make_unit(province, "state", prov_party, w, v)
            pairs: list[tuple[_Unit, _Unit]] = [(prov_party, prov_state)]
            for district in self.districts:
                d_party = self.make_unit(district, "party", prov_party, w, v,
                                         successor=prov_party)
                d_state = self.make_unit(district, "state", d_party, w, v,
                                         successor=prov_state)
                pairs.append((d_party, d_state))
                prov_party.subordinates.append(d_party.name)
                for commune in district.communes:
                    c_party = self.make_unit(commune, "party", d_party, w, v)
                    c_state = self.make_unit(commune, "state", c_party, w, v)
                    pairs.append((c_party, c_state))
                    d_party.subordinates.append(c_party.name)
                    d_state.subordinates.append(c_state.name)
                    prov_state.subordinates.append(c_state.name)
            main = prov_state
        else:
            commune = province.communes[0]
            c_party = self.make_unit(commune, "party", None, w, v, home=True)
            c_state = self.make_unit(commune, "state", c_party, w, v)
            pairs = [(c_party, c_state)]
            main = c_state
        # The first INSERT opens the transaction; the triggers are dropped inside it.
        w.flush("units")
        self.before_bulk(conn)

        self.progress(_("Creating citizens…"), 0.04)
        owners = {id(u.place): u for u in self.units if u.kind == "state"}
        for commune in province.communes:
            if commune.kind == "phường":
                mix = (72, 24, 4)
            elif commune.name == "Mường Phăng":
                mix = (22, 70, 8)
            elif commune.remote:
                mix = (15, 35, 50)
            else:
                mix = (40, 50, 10)
            count = int(3100 * (0.8 + 0.4 * self.r())) if self.province else 450
            if self.sample:
                count //= 10
            self.make_citizens(commune, count, owners[id(commune)], mix, w, v)
            w.flush_all()

        units = [u for pair in pairs for u in pair]
        for i, unit in enumerate(units):
            self.progress(_("Creating sessions, visits and petitions…"),
                          0.08 + 0.72 * i / len(units))
            seeds: list[_Seed] = []
            notices: list[tuple] = []
            self.make_sessions(unit, w, v, seeds, notices)
            self.other_seeds(unit, seeds)
            if unit is main:
                seeds.extend(self.showcase(unit))
            self.make_petitions(unit, seeds, w, v)
            self.make_work(unit, w, v, notices)
            w.flush_all()  # each unit's records are complete here

    # --- search index --------------------------------------------------------------

    def before_bulk(self, conn: Connection) -> None:
        """On SQLite, drop the index's INSERT triggers, keeping their SQL to restore them; on
        PostgreSQL, the trigram indexes of the search (kept up to date row by row they cost
        more than the rest of the load; built once at the end they cost seconds)."""
        if conn.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND right(indexname, 12) = '_search_trgm' ORDER BY indexname"
            ).all()
            for name, sql in rows:
                self.saved_indexes.append(sql)
                conn.exec_driver_sql(f"DROP INDEX {name}")
            return
        if conn.dialect.name != "sqlite":
            return
        names = ", ".join(f"'{n}'" for n in _INSERT_TRIGGERS)
        rows = conn.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names}) "
            "ORDER BY name"
        ).all()
        if len(rows) != len(_INSERT_TRIGGERS):
            return  # not the schema we know: keep the triggers and let them work
        for name, sql in rows:
            self.saved_triggers.append(sql)
            conn.exec_driver_sql(f"DROP TRIGGER {name}")

    def rebuild_search(self, conn: Connection) -> None:
        """Index every citizen, visit and petition set-wise, then restore the triggers (on
        PostgreSQL: build the trigram indexes again)."""
        for sql in self.saved_indexes:
            conn.exec_driver_sql(sql)
        if not self.saved_triggers:
            return
        base = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM search_index").scalar()
        base = int(base or 0)
        # Build without incremental merging, then merge once (faster, and a single
        # b-tree answers queries faster); then FTS5's default merging again.
        conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('automerge', 0)")
        for table, kind in _SEARCHED:
            top = conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table}").scalar()
            conn.exec_driver_sql(
                f"INSERT INTO search_index(rowid, body, kind, record_id, unit_id) "
                f"SELECT rowid + {base}, search_text, '{kind}', id, unit_id FROM {table}"
            )
            conn.exec_driver_sql(
                f"INSERT INTO search_rows(record_id, fts_rowid) "
                f"SELECT id, rowid + {base} FROM {table}"
            )
            base += int(top or 0)
        conn.exec_driver_sql("INSERT INTO search_index(search_index) VALUES ('optimize')")
        conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('automerge', 4)")
        for sql in self.saved_triggers:
            conn.exec_driver_sql(sql)


def generate_demo(
    db: Database,
    scale: str = "small",
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DemoSummary:
    """Fill an empty, freshly migrated database with demo records (see the module's doc).

    ``progress(message, fraction)`` is called as the work advances. Raises
    ValueError for an unknown scale or a database that already holds units;
    nothing is written then, nor when anything fails midway (one transaction).
    """
    if scale not in (*DEMO_SCALES, SAMPLE_PROVINCE):
        raise ValueError(_("Unknown demo scale \u201c{scale}\u201d: use {choices}.").format(
            scale=scale, choices=", ".join(DEMO_SCALES)))
    began = _time.perf_counter()
    gen = _Demo(db, scale, seed, today or date.today(), progress)
    gen.progress(_("Preparing demo data…"), 0.0)
    gen.load_reference()
    sqlite = db.is_sqlite
    with db.engine.connect() as conn:
        tuned = _LoadPragmas(conn) if sqlite else None
        w = _Writer(conn, sqlite)
        try:
            for model, columns in _COLUMNS.items():
                w.register(model, columns)
            gen.run(conn, w, _Values(sqlite))
            gen.progress(_("Building the search index…"), 0.85)
            gen.rebuild_search(conn)
            gen.progress(_("Saving…"), 0.95)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if tuned is not None:
                tuned.restore()
    summary = DemoSummary(scale, seed, gen.today,
                          {t: w.counts.get(t, 0) for t in _TABLE_ORDER},
                          _time.perf_counter() - began)
    gen.progress(_("Demo data created."), 1.0)
    return summary
