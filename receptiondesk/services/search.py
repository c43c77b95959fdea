"""Diacritic-folded search over citizens, visits and petitions.

On SQLite the FTS5 index kept by triggers answers it. Other engines match the
folded ``search_text`` columns with LIKE, each query word as the start of a word
(as FTS5's prefix terms do); on PostgreSQL a pg_trgm GIN index over the same
expression (migration 0001) keeps that from reading every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    column,
    exists,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from ..model import Citizen, Petition, Visit
from ..text import fts_match, search_tokens

KINDS = ("citizen", "visit", "petition")
_TABLES = {"citizen": Citizen, "visit": Visit, "petition": Petition}


@dataclass(frozen=True)
class SearchHit:
    kind: str
    record_id: str
    unit_id: str


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
        stmt = (
            select(text("record_id"))
            .select_from(text("search_index"))
            .where(text("body MATCH :q AND kind = :kind").bindparams(q=expr, kind=kind))
        )
        if unit_ids is not None:
            stmt = stmt.where(
                text("unit_id IN :units").bindparams(
                    bindparam("units", list(unit_ids), expanding=True)
                )
            )
    else:
        stmt = select(model.id).where(word_prefixes(model, query))
        if unit_ids is not None:
            stmt = stmt.where(model.unit_id.in_(unit_ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


def matches(session: Session, query: str, kind: str, id_column) -> ColumnElement[bool] | None:
    """A condition on ``id_column`` (the record's id in the outer query): the record
    matches ``query`` (None: no usable query).

    On SQLite it is an ``EXISTS`` over ``search_rows`` with the FTS5 match as an
    uncorrelated list, so that a list sorted by an index (newest first) reads its rows
    in that order, checks each against the matches and stops after one page, instead of
    fetching and sorting every match. Units are left to the outer query's own filter.
    """
    if not search_tokens(query):
        return None
    model = _TABLES[kind]
    if _is_sqlite(session):
        expr = fts_match(query)
        if expr is None:
            return None
        fts = (
            select(column("rowid"))
            .select_from(text("search_index"))
            .where(text("search_index MATCH :q").bindparams(q=expr))
        )
        rows = table("search_rows", column("record_id"), column("fts_rowid"))
        return exists().where(rows.c.record_id == id_column, rows.c.fts_rowid.in_(fts))
    return word_prefixes(model, query)


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
            # Denouncers (protected citizens) are not found by users not cleared.
            from .protection import citizen_filter

            hidden = citizen_filter(session)
            if hidden is not None:
                stmt = stmt.where(hidden)
        owners = dict(session.execute(stmt).all())
        hits.extend(SearchHit(kind, i, owners[i]) for i in ids if i in owners)
    return hits
