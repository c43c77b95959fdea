"""Diacritic-folded search over citizens, visits, petitions and reception sessions: the one
search path of every list and of the global search.

On SQLite the FTS5 index kept by triggers answers it. Other engines match the
folded ``search_text`` columns with LIKE, each query word as the start of a word
(as FTS5's prefix terms do); on PostgreSQL a pg_trgm GIN index over the same
expression (migration 0001) keeps that from reading every row.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from ..model import Citizen, Petition, ReceptionSession, Visit
from ..text import fold, fts_match, search_tokens

#: the kinds the global search looks in
KINDS = ("citizen", "visit", "petition")
#: every kind of the index (sessions are searched by their list only; migration 0012)
_TABLES: dict[str, type[Citizen] | type[Visit] | type[Petition] | type[ReceptionSession]] = {
    "citizen": Citizen, "visit": Visit, "petition": Petition, "session": ReceptionSession}


@dataclass(frozen=True)
class SearchHit:
    kind: str
    record_id: str
    unit_id: str


#: the SQL function that folds text as :func:`receptiondesk.text.fold` does: made by the
#: migrations on PostgreSQL, registered on each SQLite connection by :func:`register_fold`
FOLD_FUNCTION = "rd_fold"


def register_fold(session: Session) -> bool:
    """Make ``rd_fold()`` (:func:`receptiondesk.text.fold`) callable in the session's SQL;
    False on an engine that has none (then compare without folding)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return True  # the migrations made rd_fold() in the database
    if dialect != "sqlite":
        return False
    raw = session.connection().connection.dbapi_connection
    assert raw is not None  # the session's connection is checked out, so it holds one
    raw.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
    return True


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def word_prefixes(model, query: str) -> ColumnElement[bool]:
    """Every word of ``query`` starts a word of the record's folded ``search_text``."""
    return and_(*(word_prefix(model, t) for t in dict.fromkeys(search_tokens(query))))


def word_prefix(model, token: str) -> ColumnElement[bool]:
    """The folded ``token`` starts a word of the record's folded ``search_text``.

    ``' ' || search_text`` is written exactly as the trigram index's expression, with the
    space inline (not a bound parameter), so that PostgreSQL uses the index.
    """
    words = literal_column("' '", Text) + model.search_text
    return words.like(f"% {_like_escaped(token)}%", escape="\\")


def _like_escaped(token: str) -> str:
    # fold() leaves only letters and digits; escaping is for safety alone.
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: A list whose query matches few rows of its kinds takes those rows and sorts them; one
#: whose query matches many reads its own table in list order, checks each row read
#: against the matches and stops after a page. Reading in order costs about a page ×
#: (rows / matches) look-ups, taking the matches about one look-up each (a dearer one: the
#: index's stored row, then the record's): "few" is fewer than √(page × rows) (about
#: 3,900 of the province demo's 152,100 citizens). A number here replaces that bar (the
#: tests set it).
FEW_MATCHES: int | None = None
PAGE = 100


def _few_bar(session: Session, model) -> int:
    if FEW_MATCHES is not None:
        return FEW_MATCHES
    # the table's largest rowid: its number of rows, give or take the deleted ones
    rows = session.scalar(select(func.max(literal_column("rowid"))).select_from(
        model.__table__)) or 0
    return max(PAGE, int(math.sqrt(PAGE * rows)))


#: the same on PostgreSQL, for its planner's estimate of the matches: the trigram
#: statistics often count several times too few matches of a query of several words
#: ("tranh chap": 720 estimated, 9,278 found), so the bar is lower
FEW_ESTIMATED = 300


def kind_match(expr: str, *kinds: str) -> str:
    """The FTS5 expression ``expr`` (of :func:`~receptiondesk.text.fts_match`) over the
    folded text of records of ``kinds`` only: the index's ``kind`` column is indexed
    (migration 0012), so this is a look-up, not a read of every match's stored row."""
    return "{kind} : (" + " OR ".join(kinds) + ") AND {body} : (" + expr + ")"


def _fts_rows(expr: str, *kinds: str, what: str = "rowid") -> Select:
    return (
        select(column(what))
        .select_from(text("search_index"))
        .where(text("search_index MATCH :q").bindparams(
            bindparam("q", kind_match(expr, *kinds), unique=True)))
    )


def _few_matches(session: Session, model, expr: str, *kinds: str) -> bool:
    """Whether the index holds few rows of ``kinds`` matching ``expr`` for a list of
    ``model`` (:func:`_few_bar`), counting at most that many of the index's rowids: no
    stored row is read."""
    bar = _few_bar(session, model)
    probe = _fts_rows(expr, *kinds).limit(bar).subquery()
    found = session.scalar(select(func.count()).select_from(probe)) or 0
    return found < bar


def matching_ids(
    session: Session,
    query: str,
    kind: str,
    unit_ids: list[str] | None = None,
    limit: int | None = None,
) -> Select | None:
    """A SELECT of the ids of ``kind`` records matching ``query`` (None: no usable query).

    It is meant to be used as a subquery (``Model.id.in_(...)``) by the lists.
    """
    if not search_tokens(query):
        return None
    model = _TABLES[kind]
    if _is_sqlite(session):
        expr = fts_match(query)
        if expr is None:
            return None
        stmt = _fts_rows(expr, kind, what="record_id")
        if unit_ids is not None:
            stmt = stmt.where(
                text("unit_id IN :units").bindparams(
                    bindparam("units", list(unit_ids), expanding=True, unique=True)
                )
            )
    else:
        stmt = select(model.id).where(word_prefixes(model, query))
        if unit_ids is not None:
            stmt = stmt.where(model.unit_id.in_(unit_ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    sealed = _sealed_ids(session, query, kind, unit_ids)
    if sealed:  # protected citizens, for a cleared user (not in the index)
        inner = stmt.subquery()
        # a union of the two (read as one statement by the callers)
        return union_all(select(inner.c[0]),  # type: ignore[return-value]
                         select(model.id).where(model.id.in_(sealed)))
    return stmt


def _sealed_ids(session: Session, query: str, kind: str,
                unit_ids: list[str] | None = None) -> list[str]:
    """The sealed records of ``kind`` matching ``query`` (protected citizens, denunciations'
    texts: not in the index), found in memory for a cleared user only (``sealed_fields``)."""
    if kind not in ("citizen", "petition", "visit"):
        return []
    from .sealed_fields import sealed_matches

    return sealed_matches(session, query, kind, unit_ids)


def matches(session: Session, query: str, kind: str, id_column) -> ColumnElement[bool] | None:
    """A condition on ``id_column`` (the record's id in the outer query) for one page of
    a list: the record matches ``query`` (None: no usable query).

    On SQLite, when the query matches many records of the kind, it is an ``EXISTS`` over
    ``search_rows`` with the FTS5 match as an uncorrelated list, so that a list sorted by
    an index (newest first) reads its rows in that order, checks each against the matches
    and stops after one page, instead of fetching and sorting every match. When it
    matches few, reading the list's table in order could read all of it before a page is
    found: the few matches are taken and sorted instead. Units are left to the outer
    query's own filter. Other engines' planners choose between the two themselves.
    """
    found = _matches(session, query, kind, id_column)
    sealed = _sealed_ids(session, query, kind) if found is not None else []
    if not sealed or found is None:
        return found
    return or_(found, id_column.in_(sealed))


def _matches(session: Session, query: str, kind: str, id_column) -> ColumnElement[bool] | None:
    if not search_tokens(query):
        return None
    model = _TABLES[kind]
    if _is_sqlite(session):
        expr = fts_match(query)
        if expr is None:
            return None
        if _few_matches(session, model, expr, kind):
            return id_column.in_(_fts_rows(expr, kind, what="record_id"))
        rows = table("search_rows", column("record_id"), column("fts_rowid"))
        return exists().where(rows.c.record_id == id_column,
                              rows.c.fts_rowid.in_(_fts_rows(expr, kind)))
    return word_prefixes(model, query)


def matches_itself_or_child(
    session: Session, query: str, kind: str, id_column, child_kind: str, child_parent_column,
) -> ColumnElement[bool] | None:
    """As :func:`matches`, where the record matches ``query`` by its own text or by one
    of its ``child_kind`` records (whose ``child_parent_column`` names it): a reception
    session is found by its own text or by a visit received in it.

    On SQLite with many matches, the FTS5 match of both kinds is made once, as one
    uncorrelated list, and the record's id and its children's ids are checked against
    it in one ``EXISTS``.
    """
    if not search_tokens(query):
        return None
    model, child = _TABLES[kind], _TABLES[child_kind]
    if _is_sqlite(session):
        expr = fts_match(query)
        if expr is None:
            return None
        if _few_matches(session, model, expr, kind, child_kind):
            return or_(
                id_column.in_(_fts_rows(expr, kind, what="record_id")),
                id_column.in_(select(child_parent_column).where(
                    child.id.in_(_fts_rows(expr, child_kind, what="record_id")))),
            )
        rows = table("search_rows", column("record_id"), column("fts_rowid"))
        outer = model.__table__
        ids = union_all(
            select(id_column).correlate(outer),
            select(child.id).where(child_parent_column == id_column).correlate(outer),
        )
        return exists().where(rows.c.fts_rowid.in_(_fts_rows(expr, kind, child_kind)),
                              rows.c.record_id.in_(ids))
    own, by_child = word_prefixes(model, query), word_prefixes(child, query)
    if _estimated_rows(session, select(model.id).where(own)) + _estimated_rows(
            session, select(child.id).where(by_child)) < FEW_ESTIMATED:
        # few: the matches of each table through its trigram index, then sorted
        return id_column.in_(union_all(select(model.id).where(own),
                                       select(child_parent_column).where(by_child)))
    # many: the list read in order, each record checked by its own text or by a look-up
    # of its children. A scalar subquery, not EXISTS: the planner would turn an EXISTS
    # under OR into a hash of every matching child, ignoring that one page is wanted.
    child_matches = (select(literal_column("1")).where(child_parent_column == id_column,
                                                      by_child)
                     .limit(1).scalar_subquery())
    return or_(own, child_matches.is_not(None))


def _estimated_rows(session: Session, stmt: Select) -> float:
    """PostgreSQL's own estimate of the rows ``stmt`` returns (from its statistics of the
    trigram index: planning only, nothing is read)."""
    sql = stmt.compile(dialect=session.get_bind().dialect,
                       compile_kwargs={"literal_binds": True})
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def search(
    session: Session,
    query: str,
    kinds: tuple[str, ...] = KINDS,
    unit_ids: list[str] | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Up to ``limit`` hits per kind, in index order."""
    hits: list[SearchHit] = []
    for kind in kinds:
        stmt = matching_ids(session, query, kind, unit_ids, limit)
        if stmt is None:
            return []
        ids = [row[0] for row in session.execute(stmt)]
        if not ids:
            continue
        model = _TABLES[kind]
        stmt = select(model.id, model.unit_id).where(model.id.in_(ids))
        if kind == "citizen":
            # A merged citizen is found through the record kept; denouncers (protected
            # citizens) are not found by users not cleared.
            from .protection import citizen_filter

            stmt = stmt.where(Citizen.merged_into_id.is_(None))
            hidden = citizen_filter(session)
            if hidden is not None:
                stmt = stmt.where(hidden)
        owners = dict(session.execute(stmt).all())
        hits.extend(SearchHit(kind, i, owners[i]) for i in ids if i in owners)
    return hits
