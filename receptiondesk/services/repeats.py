"""Repeat petitions (DESIGN §3): on entry, show the citizen's earlier petitions and
earlier petitions of similar content, so the clerk can link a duplicate or mark a
long-running case instead of opening a new one.

Everything is answered by indexed SQL: the same citizen by ID number or by folded
name and address, similar content by the FTS5 search index ranked with bm25 on
SQLite (LIKE over the folded ``search_text`` on other engines). Nothing scans
petitions in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, selectinload

from ..model import Citizen, Petition, Petitioner
from ..model.codes import PetitionType
from ..text import fold, fts_any
from .search import kind_match, register_fold, word_prefix
from .validation import clean, clean_id_number


@dataclass
class RepeatCandidates:
    #: petitions signed by the same person (same ID number, or same folded name and address)
    same_citizen: list[Petition] = field(default_factory=list)
    #: other petitions whose content is similar, best match first
    similar_content: list[Petition] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.same_citizen or self.similar_content)


def find_repeats(
    session: Session,
    *,
    id_number: str | None = None,
    full_name: str = "",
    address: str = "",
    content: str = "",
    unit_ids: list[str] | None = None,
    exclude_petition_id: str | None = None,
    limit: int = 10,
    cleared: bool = False,
) -> RepeatCandidates:
    """Earlier petitions of the same citizen and earlier petitions of similar content.

    A petition never appears in both lists. ``cleared=False`` leaves the citizen's
    earlier denunciations out of ``same_citizen``: linking a person to a denunciation
    would reveal the denouncer (Denunciations Law art. 9, DESIGN §4).
    """
    same = _same_citizen(
        session, id_number, full_name, address, unit_ids, exclude_petition_id, limit, cleared
    )
    excluded = [p.id for p in same] + ([exclude_petition_id] if exclude_petition_id else [])
    similar = _similar_content(session, content, unit_ids, excluded, limit)
    return RepeatCandidates(same, similar)


def petition_for_visit(session: Session, visit_id: str) -> Petition | None:
    """The petition registered from a visit, if any."""
    return session.scalar(
        select(Petition).where(Petition.visit_id == visit_id).order_by(Petition.created_at)
        .limit(1)
    )


# --- the same citizen -------------------------------------------------------------


def _same_citizen(
    session: Session,
    id_number: str | None,
    full_name: str,
    address: str,
    unit_ids: list[str] | None,
    exclude_petition_id: str | None,
    limit: int,
    cleared: bool,
) -> list[Petition]:
    person = _same_person(session, id_number, full_name, address)
    if person is None or limit <= 0:
        return []
    stmt = select(Petition).where(
        Petition.id.in_(select(Petitioner.petition_id).where(person))
    )
    if unit_ids is not None:
        stmt = stmt.where(Petition.unit_id.in_(unit_ids))
    if exclude_petition_id:
        stmt = stmt.where(Petition.id != exclude_petition_id)
    if not cleared:
        stmt = stmt.where(Petition.petition_type != PetitionType.DENUNCIATION)
    stmt = (
        stmt.order_by(Petition.received_date.desc(), Petition.id)
        .limit(limit)
        .options(selectinload(Petition.petitioners))
    )
    return list(session.scalars(stmt))


def _same_person(
    session: Session, id_number: str | None, full_name: str, address: str
) -> ColumnElement[bool] | None:
    """Petitioner rows that are the person: same ID number, or same folded name and address."""
    conds: list[ColumnElement[bool]] = []
    number = clean_id_number(id_number)
    if number:
        conds.append(Petitioner.id_number == number)
        # a sealed (protected) person's ID number is found by its keyed hash
        from .sealed_fields import id_hash

        hashed = id_hash(number)
        if hashed is not None:
            conds.append(Petitioner.id_hash == hashed)
    name_key, address_key = fold(full_name), fold(address)
    if name_key and address_key:
        # Petitioners linked to the directory compare the citizen's folded address;
        # others (a posted petition) fold their own address, found by the name index first.
        in_directory = Petitioner.citizen_id.in_(
            select(Citizen.id).where(
                Citizen.name_key == name_key, Citizen.address_key == address_key
            )
        )
        typed = and_(
            Petitioner.name_key == name_key,
            _folded_equals(session, Petitioner.address, address_key, address),
        )
        conds.append(or_(in_directory, typed))
    return or_(*conds) if conds else None


def _folded_equals(
    session: Session, column, folded: str, typed: str
) -> ColumnElement[bool]:
    if register_fold(session):
        return func.rd_fold(column) == folded
    # Other engines: same spelling, case ignored (the directory branch covers the rest).
    return func.lower(column) == clean(typed).lower()


# --- similar content --------------------------------------------------------------


def _similar_content(
    session: Session,
    content: str,
    unit_ids: list[str] | None,
    excluded: list[str],
    limit: int,
) -> list[Petition]:
    expr = fts_any(content)
    if expr is None or limit <= 0:
        return []
    if session.get_bind().dialect.name == "sqlite":
        ids = _ranked_by_fts(session, expr, unit_ids, excluded, limit)
    else:
        ids = _ranked_by_like(session, _fts_words(expr), unit_ids, excluded, limit)
    if not ids:
        return []
    found = {
        p.id: p
        for p in session.scalars(
            select(Petition).where(Petition.id.in_(ids))
            .options(selectinload(Petition.petitioners))
        )
    }
    return [found[i] for i in ids if i in found]


def _ranked_by_fts(
    session: Session, expr: str, unit_ids: list[str] | None, excluded: list[str], limit: int
) -> list[str]:
    stmt = (
        select(text("record_id"))
        .select_from(text("search_index"))
        .where(text("search_index MATCH :q").bindparams(q=kind_match(expr, "petition")))
    )
    if unit_ids is not None:
        stmt = stmt.where(
            text("unit_id IN :units").bindparams(bindparam("units", list(unit_ids),
                                                           expanding=True))
        )
    if excluded:
        stmt = stmt.where(
            text("record_id NOT IN :excluded").bindparams(
                bindparam("excluded", list(excluded), expanding=True)
            )
        )
    # bm25() is lower for better matches.
    stmt = stmt.order_by(text("bm25(search_index, 1.0, 0.0)")).limit(limit)
    return [row[0] for row in session.execute(stmt)]


def _fts_words(expr: str) -> list[str]:
    """The words of an :func:`fts_any` expression ('"a" OR "b"' → ['a', 'b'])."""
    return [w.replace('""', '"') for w in re.findall(r'"((?:[^"]|"")*)"', expr)]


def _ranked_by_like(
    session: Session, words: list[str], unit_ids: list[str] | None, excluded: list[str],
    limit: int,
) -> list[str]:
    if not words:
        return []
    likes = [word_prefix(Petition, w) for w in words]  # the trigram index's expression
    score = sum((case((c, 1), else_=0) for c in likes), start=literal(0))
    stmt = select(Petition.id).where(or_(*likes))
    if unit_ids is not None:
        stmt = stmt.where(Petition.unit_id.in_(unit_ids))
    if excluded:
        stmt = stmt.where(Petition.id.not_in(excluded))
    stmt = stmt.order_by(score.desc(), Petition.received_date.desc(), Petition.id).limit(limit)
    return [row[0] for row in session.execute(stmt)]
