"""The citizens directory: entry, typeahead, paged lists in Vietnamese order, merging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import Citizen, Petitioner, Visit, VisitAttendee
from ..model.codes import Gender
from ..text import fold
from . import audit, protection
from .accounts import require
from .errors import NotFoundError, ValidationError
from .indexing import citizen_keys
from .locking import check_version, refuses_stale
from .search import matching_ids
from .validation import Checker, clean, clean_id_number


@dataclass
class CitizenInput:
    full_name: str
    birth_year: int | None = None
    gender: str | None = None
    id_number: str | None = None
    address: str = ""
    phone: str = ""


def check_citizen(data: CitizenInput, today: date, prefix: str = "") -> list:
    """Field errors for a citizen's details (``prefix`` names nested form fields)."""
    ck = Checker()
    ck.required(prefix + "full_name", clean(data.full_name), _("Full name"))
    ck.max_length(prefix + "full_name", data.full_name, 120, _("Full name"))
    ck.birth_year(prefix + "birth_year", data.birth_year, today)
    ck.enum(prefix + "gender", data.gender, Gender, _("Gender"), required=False)
    ck.id_number(prefix + "id_number", clean_id_number(data.id_number))
    ck.max_length(prefix + "address", data.address, 300, _("Address"))
    ck.phone(prefix + "phone", clean(data.phone))
    return ck.errors


def _apply(citizen: Citizen, data: CitizenInput) -> None:
    citizen.full_name = clean(data.full_name)
    citizen.birth_year = data.birth_year
    citizen.gender = data.gender or None
    citizen.id_number = clean_id_number(data.id_number)
    citizen.address = clean(data.address)
    citizen.phone = clean(data.phone)
    for key, value in citizen_keys(
        citizen.full_name, citizen.address, citizen.id_number, citizen.phone
    ).items():
        setattr(citizen, key, value)


def create_citizen(
    session: Session, unit_id: str, data: CitizenInput, today: date | None = None
) -> Citizen:
    require(session, "citizens.edit")
    errors = check_citizen(data, today or date.today())
    if errors:
        raise ValidationError(errors)
    citizen = Citizen(unit_id=unit_id)
    _apply(citizen, data)
    session.add(citizen)
    session.flush()
    return citizen


@refuses_stale(Citizen, "citizen_id")
def update_citizen(
    session: Session, citizen_id: str, data: CitizenInput, today: date | None = None,
    *, expected_version: int | None = None,
) -> Citizen:
    require(session, "citizens.edit")
    citizen = get_citizen(session, citizen_id)
    check_version(session, citizen, expected_version)
    errors = check_citizen(data, today or date.today())
    if errors:
        raise ValidationError(errors)
    _apply(citizen, data)
    session.flush()
    # The visits' indexed text carries the citizen's name.
    from .reception import reindex_visits_of_citizen

    reindex_visits_of_citizen(session, citizen.id)
    return citizen


def get_citizen(session: Session, citizen_id: str) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFoundError(_("The citizen no longer exists."))
    return citizen


def _directory(session: Session, query: str, unit_ids: list[str] | None, *,
               page: bool = True):
    from .petitions import _all_units
    from .search import matches

    stmt = select(Citizen).where(Citizen.merged_into_id.is_(None))
    # Every unit is no restriction: the list then reads the roster-order index in order.
    if unit_ids is not None and not _all_units(session, unit_ids):
        stmt = stmt.where(Citizen.unit_id.in_(unit_ids))
    hidden = protection.citizen_filter(session)  # denouncers, for users not cleared
    if hidden is not None:
        stmt = stmt.where(hidden)
    if query.strip():
        if page:  # one page in roster order: check each citizen read against the matches
            match = matches(session, query, "citizen", Citizen.id)
            if match is not None:
                stmt = stmt.where(match)
        else:  # a count: start from the matches
            ids = matching_ids(session, query, "citizen")
            if ids is not None:
                stmt = stmt.where(Citizen.id.in_(ids))
    return stmt


def list_citizens(
    session: Session,
    query: str = "",
    unit_ids: list[str] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[Citizen]:
    """One page of the directory in Vietnamese roster order (given name first)."""
    stmt = _directory(session, query, unit_ids).order_by(Citizen.sort_key, Citizen.id)
    return list(session.scalars(stmt.offset(offset).limit(limit)))


def count_citizens(session: Session, query: str = "", unit_ids: list[str] | None = None) -> int:
    stmt = _directory(session, query, unit_ids, page=False).with_only_columns(
        func.count(Citizen.id))
    return session.scalar(stmt) or 0


def find_citizens(
    session: Session, typed: str, unit_ids: list[str] | None = None, limit: int = 20
) -> list[Citizen]:
    """Typeahead for the visit form: part of a name or of an ID number, accents optional."""
    typed = typed.strip()
    if not typed:
        return []
    digits = typed.replace(" ", "")
    if digits.isdigit():
        stmt = select(Citizen).where(
            Citizen.id_number.like(digits + "%"), Citizen.merged_into_id.is_(None)
        )
        if unit_ids is not None:
            stmt = stmt.where(Citizen.unit_id.in_(unit_ids))
        hidden = protection.citizen_filter(session)
        if hidden is not None:
            stmt = stmt.where(hidden)
        return list(session.scalars(stmt.order_by(Citizen.sort_key).limit(limit)))
    return list_citizens(session, typed, unit_ids, limit=limit)


def same_person(
    session: Session, full_name: str, address: str, id_number: str | None,
    exclude_id: str | None = None,
) -> list[Citizen]:
    """Citizens who are the same person: same ID number, or same folded name and address."""
    conds = []
    id_number = clean_id_number(id_number)
    if id_number:
        conds.append(Citizen.id_number == id_number)
        from .sealed_fields import id_hash

        hashed = id_hash(id_number)  # a sealed (protected) person: by the keyed hash
        if hashed is not None:
            conds.append(Citizen.id_hash == hashed)
    name_key, address_key = fold(full_name), fold(address)
    if name_key and address_key:
        conds.append((Citizen.name_key == name_key) & (Citizen.address_key == address_key))
    if not conds:
        return []
    stmt = select(Citizen).where(or_(*conds), Citizen.merged_into_id.is_(None))
    if exclude_id:
        stmt = stmt.where(Citizen.id != exclude_id)
    return list(session.scalars(stmt.limit(50)))


def merge_citizens(session: Session, keep_id: str, duplicate_id: str) -> Citizen:
    """Fold a duplicate record into the one kept: its visits and petitions move over."""
    require(session, "citizens.edit")
    if keep_id == duplicate_id:
        raise ValidationError.single("duplicate", _("Choose two different citizens to merge."))
    keep = get_citizen(session, keep_id)
    dup = get_citizen(session, duplicate_id)
    protected = protection.protected_citizen_ids(session, [keep.id, dup.id])
    for model in (Visit, VisitAttendee, Petitioner):
        session.execute(
            update(model).where(model.citizen_id == dup.id).values(citizen_id=keep.id)
            .execution_options(synchronize_session=False)
        )
    # Fill gaps in the kept record from the duplicate; never overwrite what is there.
    for attr in ("birth_year", "gender", "id_number", "phone"):
        if not getattr(keep, attr) and getattr(dup, attr):
            setattr(keep, attr, getattr(dup, attr))
    if not keep.address and dup.address:
        keep.address = dup.address
    _apply(keep, CitizenInput(keep.full_name, keep.birth_year, keep.gender, keep.id_number,
                              keep.address, keep.phone))
    dup.merged_into_id = keep.id
    dup.search_text = ""
    session.flush()
    # Relationships loaded before the bulk updates are stale now.
    session.expire_all()
    from .reception import reindex_visits_of_citizen

    reindex_visits_of_citizen(session, keep.id)
    if protected:  # a denouncer stays protected under the record kept
        protection._protect_citizens(session, [keep.id])
    audit.record(session, "merge", "citizen", keep.id, keep.unit_id,
                 {"kept": keep.id, "merged": dup.id})
    return get_citizen(session, keep.id)
