"""What is sealed: a protected person's identity and a denunciation's free text, stored so
that a stolen file or a lost USB backup reveals no denouncer (Luật Tố cáo 2018, Điều 47,
48 và 56; the scheme is :mod:`.sealing`).

**Which values.** The name, ID number, address and phone of every protected person: the
petitioners of a denunciation, and every citizen the office protects
(:class:`~receptiondesk.model.ProtectedCitizen`: linked to a denunciation, or marked); the
content of a denunciation petition; the content and notes of a visit recorded as a
denunciation. Their derived columns (folded name, address and sort keys, the indexed search
text) are blanked, and two keyed hashes stand in for what equality and blotting need:
``id_hash`` (the folded ID number: repeat petitions, merging citizens) and ``seal_marks``
(the folded name, its first two words, the ID number's and phone's digits).

**Sealed on write, opened on read, in one place.** A flush hook seals the values of those
records whenever the database has keys (:func:`.sealing.current_keyring`), whoever writes
them, and the audit log's entries about them keep the sealed form. Loading a record opens
its sealed values for a cleared process (the private key in its keyring); for anyone else
they read as :func:`.protection.redacted`, and a placeholder written back is never saved
over the sealed value. Every output already asks :mod:`.protection` what a viewer may see.
Without keys (a database not sealed yet) nothing changes.

No Qt here.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, or_, select, text
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.base import instance_state

from ..model import Attachment, Citizen, Petition, Petitioner, ProtectedCitizen, Visit
from ..model.codes import PetitionType
from ..text import fold
from . import audit, sealing
from .validation import clean_id_number

DENUNCIATION = PetitionType.DENUNCIATION.value

#: the identity columns sealed on a protected person's record
PERSON_FIELDS: tuple[str, ...] = ("full_name", "id_number", "address", "phone")
#: the free-text columns sealed on a denunciation
TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    Petition: ("content",), Visit: ("content", "notes", "representatives")}
#: what a sealed record's derived columns become
PERSON_DERIVED: dict[type, dict[str, str]] = {
    Citizen: {"name_key": "", "address_key": "", "sort_key": "", "search_text": ""},
    Petitioner: {"name_key": ""},
}
SEALED_COLUMNS: dict[type, tuple[str, ...]] = {
    Citizen: PERSON_FIELDS, Petitioner: PERSON_FIELDS, **TEXT_FIELDS,
    Attachment: ("file_name", "description")}
#: the longest file name kept sealed (the column holds 260 characters, sealed ones longer)
SEALED_FILE_NAME = 100

#: an instance's sealed values it was loaded with, for a process that cannot open them
_ORIGINALS = "sealed_originals"
_RESTORE = "sealed_restore"
#: an instance's fields whose value in the database is sealed (its plaintext in memory)
_IN_DB = "sealed_in_db"


_NEW_PROTECTED = "sealing_new_citizens"


@contextmanager
def sealing_new_citizens(session: Session, protected: bool = True) -> Iterator[None]:
    """Citizens created inside are protected from their first row (recorded with a
    denunciation): sealed before anything of them is written, the full-text index
    included."""
    if not protected:
        yield
        return
    session.info[_NEW_PROTECTED] = True
    try:
        yield
    finally:
        session.info.pop(_NEW_PROTECTED, None)


def context(model: type, column: str) -> str:
    return f"{model.__tablename__}.{column}"  # type: ignore[attr-defined]  # a mapped class


# --- keyed hashes ---------------------------------------------------------------------------

MARK_LEN = 16  # 64 bits of the HMAC: enough to tell a few thousand people apart


def short_hash(folded: str, ring: sealing.Keyring | None = None) -> str:
    return sealing.keyed_hash(folded, keyring=ring)[:MARK_LEN]


def id_hash(id_number: str | None, ring: sealing.Keyring | None = None) -> str | None:
    """The keyed hash of an ID number (None: none, or no index key)."""
    number = clean_id_number(id_number)
    ring = ring or sealing.current_keyring()
    if not number or ring is None or ring.index_key is None:
        return None
    return sealing.keyed_hash(fold(number), keyring=ring)


def marks(name: str | None, numbers: Iterable[str | None],
          ring: sealing.Keyring | None = None) -> str:
    """The keyed hashes that let a viewer without the private key blot a protected person
    out of a text: ``n<words>:<hash>`` of the folded name, ``s:<hash>`` of its first two
    words, ``d:<hash>`` of each number's digits (see ``protection.Shield``)."""
    from .protection import MIN_DIGITS, MIN_NAME_WORDS, _digits_core, name_words

    ring = ring or sealing.current_keyring()
    if ring is None or ring.index_key is None:
        return ""
    out: list[str] = []
    words = name_words(name or "")
    if len(words) >= MIN_NAME_WORDS:
        out.append(f"n{len(words)}:{short_hash(' '.join(words), ring)}")
        out.append(f"s:{short_hash(' '.join(words[:MIN_NAME_WORDS]), ring)}")
    for number in numbers:
        core = _digits_core(number)
        if len(core) >= MIN_DIGITS:
            out.append(f"d:{short_hash(core, ring)}")
    return " ".join(dict.fromkeys(out))


# --- sealing on write -------------------------------------------------------------------------


def _seal_values(obj: Any, fields: Iterable[str], ring: sealing.Keyring, *,
                 all_fields: bool) -> dict[str, str]:
    """Seal ``fields`` of ``obj`` that are plain (all of them, or those changed); returns
    the plaintexts, to be put back in memory after the flush."""
    state = instance_state(obj)
    originals: dict[str, str] = state.info.get(_ORIGINALS, {})
    plain: dict[str, str] = {}
    for name in fields:
        value = getattr(obj, name)
        if name in originals and value == originals[name][1]:
            # the placeholder of a value this process could not open: never saved over
            # the sealed one (put back only when something wrote it)
            if state.attrs[name].history.added:
                setattr(obj, name, originals[name][0])
            continue
        if not value or sealing.is_sealed(value):
            continue
        if name in state.info.get(_IN_DB, ()) and not state.attrs[name].history.added:
            continue
        if not all_fields and not state.attrs[name].history.added and state.key is not None:
            continue
        plain[name] = value
        setattr(obj, name, sealing.seal(value, context=context(type(obj), name), keyring=ring))
    return plain


def _seal_person(obj: Citizen | Petitioner, ring: sealing.Keyring, *, everything: bool,
                 restore: list) -> None:
    values = {f: getattr(obj, f) for f in PERSON_FIELDS}
    opened = {f: _plain(obj, f, v, ring) for f, v in values.items()}
    plain = _seal_values(obj, PERSON_FIELDS, ring, all_fields=everything)
    if plain or everything:
        for name, value in PERSON_DERIVED[type(obj)].items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
        if ring.index_key is not None and opened["full_name"] is not None:
            wanted_hash = id_hash(opened["id_number"], ring)
            if obj.id_hash != wanted_hash:
                obj.id_hash = wanted_hash
            wanted = marks(opened["full_name"], [opened["id_number"], opened["phone"]], ring)
            if obj.seal_marks != wanted:
                obj.seal_marks = wanted
    if plain:
        restore.append((obj, plain))


def _plain(obj: Any, name: str, value: Any, ring: sealing.Keyring) -> Any:
    """The plaintext of a value about to be sealed (None: not known to this process)."""
    if not value:
        return value
    if sealing.is_sealed(value):
        if not ring.cleared:
            return None
        return sealing.open_sealed(value, context=context(type(obj), name), keyring=ring)
    originals = instance_state(obj).info.get(_ORIGINALS, {})
    if name in originals and value == originals[name][1]:
        return None
    return value


def _citizen_ids_of_denunciations(session: Session, new: list) -> set[str]:
    """Citizens this flush links to a denunciation or protects (those not written yet
    appended to ``new``)."""
    ids: set[str] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Petitioner) and _petition_denounced(session, obj):
            if obj.citizen_id:
                ids.add(obj.citizen_id)
            elif obj.citizen is not None and obj.citizen in session.new:
                new.append(obj.citizen)
        elif isinstance(obj, Visit) and obj.petition_type == DENUNCIATION:
            if obj.citizen_id:
                ids.add(obj.citizen_id)
            ids.update(a.citizen_id for a in obj.attendees if a.citizen_id)
            # a citizen recorded with the visit: sealed before its first row is written,
            # so that its words never reach the full-text index
            people = [obj.citizen, *(a.citizen for a in obj.attendees)]
            new.extend(c for c in people if c is not None and c in session.new)
        elif isinstance(obj, ProtectedCitizen):
            ids.add(obj.citizen_id)
    return ids


def _petition_denounced(session: Session, obj: Petitioner) -> bool:
    petition = obj.petition
    if petition is None and obj.petition_id:
        petition = session.get(Petition, obj.petition_id)
    return petition is not None and petition.petition_type == DENUNCIATION


def _before_flush(session: Session, _context, _instances) -> None:
    ring = sealing.current_keyring()
    if ring is None or session.info.get("sealing_off"):
        return
    restore: list = session.info.setdefault(_RESTORE, [])
    with session.no_autoflush:
        unwritten: list = [o for o in session.new if isinstance(o, Citizen)] \
            if session.info.get(_NEW_PROTECTED) else []
        protect = _citizen_ids_of_denunciations(session, unwritten)
        for citizen in unwritten:
            _seal_person(citizen, ring, everything=True, restore=restore)
        dirty_citizens = [o for o in session.dirty if isinstance(o, Citizen)]
        known = {o.id for o in dirty_citizens if o.id}
        if known:
            protect |= set(session.scalars(select(ProtectedCitizen.citizen_id).where(
                ProtectedCitizen.citizen_id.in_(known))))
        for citizen_id in protect:
            citizen = session.get(Citizen, citizen_id)
            if citizen is not None:
                _seal_person(citizen, ring, everything=True, restore=restore)
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, Petitioner) and _petition_denounced(session, obj):
                _seal_person(obj, ring, everything=True, restore=restore)
            elif isinstance(obj, Citizen) and obj.id in protect:
                continue
            elif isinstance(obj, Petition) and obj.petition_type == DENUNCIATION:
                plain = _seal_values(obj, TEXT_FIELDS[Petition], ring, all_fields=True)
                if obj.search_text != fold(obj.ref or ""):
                    obj.search_text = fold(obj.ref or "")
                if plain:
                    restore.append((obj, plain))
                for x in obj.petitioners:
                    _seal_person(x, ring, everything=True, restore=restore)
            elif isinstance(obj, Visit) and obj.petition_type == DENUNCIATION:
                plain = _seal_values(obj, TEXT_FIELDS[Visit], ring, all_fields=True)
                if obj.search_text:
                    obj.search_text = ""
                if plain:
                    restore.append((obj, plain))


def _after_flush_postexec(session: Session, _context) -> None:
    """The flushed records hold their plaintext in memory again (what the user typed)."""
    for obj, plain in session.info.pop(_RESTORE, []):
        for name, value in plain.items():
            attributes.set_committed_value(obj, name, value)
        instance_state(obj).info.setdefault(_IN_DB, set()).update(plain)


# --- opening on read ---------------------------------------------------------------------------


def _on_refresh(target: Any, context, attrs: Iterable[str] | None) -> None:
    """Only the columns read again (a deferred column loaded reads no other)."""
    _on_load(target, context, None if attrs is None else set(attrs))


def _on_load(target: Any, _context, attrs: set[str] | None = None) -> None:
    ring = sealing.current_keyring()
    fields = [f for f in SEALED_COLUMNS[type(target)] if attrs is None or f in attrs]
    loaded = instance_state(target).dict
    originals: dict[str, tuple[str, str]] | None = None
    for name in fields:
        value = loaded.get(name)
        if not isinstance(value, str) or not sealing.is_sealed(value):
            continue
        try:
            if ring is not None and ring.cleared:
                shown = sealing.open_sealed(value, context=context(type(target), name),
                                            keyring=ring)
                instance_state(target).info.setdefault(_IN_DB, set()).add(name)
            else:
                raise sealing.NotCleared(name)
        except (sealing.NotCleared, sealing.DamagedSealedValue):
            from .protection import redacted

            shown = redacted()
            if originals is None:
                originals = instance_state(target).info.setdefault(_ORIGINALS, {})
            originals[name] = (value, shown)
        attributes.set_committed_value(target, name, shown)


def open_value(model: type, column: str, value: Any) -> Any:
    """A value read by a column query (not through a record): opened for a cleared
    process, the placeholder for others; a plain value as it is."""
    if not sealing.is_sealed(value):
        return value
    ring = sealing.current_keyring()
    try:
        if ring is None:
            raise sealing.NotCleared(column)
        return sealing.open_sealed(value, context=context(model, column), keyring=ring)
    except (sealing.NotCleared, sealing.DamagedSealedValue):
        from .protection import redacted

        return redacted()


def open_value_or(table: str, column: str, value: Any, instead: str) -> Any:
    """A sealed value of ``table.column`` opened, or ``instead`` when this process cannot
    open it (what leaves the office: bundles)."""
    ring = sealing.current_keyring()
    if ring is None or not ring.cleared:
        return instead
    try:
        return sealing.open_sealed(value, context=f"{table}.{column}", keyring=ring)
    except sealing.DamagedSealedValue:
        return instead


def open_any(value: Any) -> Any:
    """A sealed value whose column is not known (a row of an export, a report): opened
    with whichever sealed column it belongs to, for a cleared process; "(confidential)"
    for others, and for a value that opens with none."""
    if not sealing.is_sealed(value):
        return value
    ring = sealing.current_keyring()
    if ring is not None and ring.cleared:
        for model, fields in SEALED_COLUMNS.items():
            for name in fields:
                try:
                    return sealing.open_sealed(value, context=context(model, name),
                                               keyring=ring)
                except sealing.DamagedSealedValue:
                    continue
    return _redacted()


def _audit_opener(key: str, value: Any) -> Any:
    """A value of an audit entry's detail as this process may read it."""
    if not sealing.is_sealed(value):
        return value
    ring = sealing.current_keyring()
    if ring is not None and ring.cleared:
        for model, fields in SEALED_COLUMNS.items():
            if key in fields:
                try:
                    return sealing.open_sealed(value, context=context(model, key), keyring=ring)
                except sealing.DamagedSealedValue:
                    continue
    from .protection import redacted

    return redacted()


def _audit_guard(obj: object, key: str, value: Any) -> Any:
    """The audit log keeps the sealed form of a protected person's identity."""
    fields = SEALED_COLUMNS.get(type(obj))
    if not fields or key not in fields or not value or sealing.is_sealed(value):
        return value
    ring = sealing.current_keyring()
    if ring is None:
        return value
    # every person's identity, protected or not yet: a citizen protected later (linked to
    # a denunciation next week) must not be left readable in the append-only log
    if type(obj) not in (Citizen, Petitioner) and not _is_sealed_record(obj):
        return value
    originals = instance_state(obj).info.get(_ORIGINALS, {})
    if key in originals and value == originals[key][1]:
        return originals[key][0]
    return sealing.seal(str(value), context=context(type(obj), key), keyring=ring)


def _is_sealed_record(obj: object) -> bool:
    """Whether ``obj``'s values are kept sealed (any of them sealed in the database)."""
    state = instance_state(obj)
    if state.info.get(_ORIGINALS):
        return True
    for name in SEALED_COLUMNS[type(obj)]:
        if sealing.is_sealed(state.dict.get(name)):
            return True
        hist = state.attrs[name].history
        if any(sealing.is_sealed(v) for v in (*hist.added, *hist.deleted)):
            return True
    return bool(getattr(obj, "id_hash", None) or getattr(obj, "seal_marks", ""))


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        # first, so that the audit log's own hook sees the sealed values
        event.listen(Session, "before_flush", _before_flush, insert=True)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
    for model in SEALED_COLUMNS:
        if not event.contains(model, "load", _on_load):
            event.listen(model, "load", _on_load)
            event.listen(model, "refresh", _on_refresh)
    audit.value_guard = _audit_guard
    audit.value_opener = _audit_opener


install()


# --- scans of protected people's papers --------------------------------------------------------


def seal_attachment(session: Session, attachment: Attachment) -> bool:
    """Seal a file kept with a protected record (``attachments.is_protected``): its bytes,
    its name and its description. False: not protected, no keys, or sealed already."""
    from .attachments import is_protected

    ring = sealing.current_keyring()
    if ring is None or not is_protected(session, attachment):
        return False
    data = attachment.data
    if data is None or sealing.is_sealed_bytes(data):
        return False
    # what this process holds in memory after the flush: the plain values
    plain = {"data": data, "file_name": attachment.file_name,
             "description": attachment.description}
    session.info.setdefault(_RESTORE, []).append(
        (attachment, {k: v for k, v in plain.items() if v}))
    attachment.data = sealing.seal_bytes(data, context=context(Attachment, "data"),
                                         keyring=ring)
    name = attachment.file_name or ""
    if name and not sealing.is_sealed(name):
        stem, dot, ext = name.rpartition(".")
        short = name if len(name) <= SEALED_FILE_NAME else \
            (stem[:SEALED_FILE_NAME - len(ext) - 1] + dot + ext if dot else name[:100])
        attachment.file_name = sealing.seal(short, context=context(Attachment, "file_name"),
                                            keyring=ring)
    if attachment.description and not sealing.is_sealed(attachment.description):
        attachment.description = sealing.seal(
            attachment.description, context=context(Attachment, "description"), keyring=ring)
    return True


def attachment_bytes(attachment: Attachment) -> bytes:
    """The stored bytes of a file, opened when sealed (the caller checked clearance)."""
    data = attachment.data or b""
    if not sealing.is_sealed_bytes(data):
        return bytes(data)
    return sealing.open_bytes(data, context=context(Attachment, "data"))


# --- an existing database ---------------------------------------------------------------------


def _protected_records(session: Session) -> list[Any]:
    """Every record whose values are to be sealed: the petitioners and the content of
    denunciations, the protected citizens, the visits recorded as denunciations."""
    den = select(Petition.id).where(Petition.petition_type == DENUNCIATION)
    out: list[Any] = []
    out += session.scalars(select(Petitioner).where(Petitioner.petition_id.in_(den)))
    out += session.scalars(select(Petition).where(Petition.petition_type == DENUNCIATION))
    out += session.scalars(select(Citizen).where(
        Citizen.id.in_(select(ProtectedCitizen.citizen_id))))
    out += session.scalars(select(Visit).where(Visit.petition_type == DENUNCIATION))
    return out


def seal_existing(session: Session) -> int:
    """Seal in place every protected value still in plain text (a database made before it
    had keys: called once when its keys are first made). Needs the keys in this process's
    keyring (the public key to seal, the index key for the hashes). Returns the number of
    records sealed. The protected citizens are first brought up to date
    (:func:`.protection.protect_all`). On SQLite, the full-text index is merged afterwards
    so that its old segments holding the plaintext are freed (zeroed: ``secure_delete``).
    """
    from .protection import protect_all

    ring = sealing.current_keyring()
    if ring is None:
        raise RuntimeError("no sealing key: make the office's keys first")
    protect_all(session)
    session.flush()
    restore: list = []
    count = 0
    with session.no_autoflush:
        for obj in _protected_records(session):
            before = len(restore)
            if isinstance(obj, Citizen | Petitioner):
                _seal_person(obj, ring, everything=True, restore=restore)
            else:
                plain = _seal_values(obj, TEXT_FIELDS[type(obj)], ring, all_fields=True)
                wanted = fold(obj.ref or "") if isinstance(obj, Petition) else ""
                if obj.search_text != wanted:
                    obj.search_text = wanted
                if plain:
                    restore.append((obj, plain))
            count += len(restore) > before
    session.info["sealing_off"] = True  # already sealed: the hook has nothing to add
    try:
        session.flush()
    finally:
        session.info.pop("sealing_off", None)
    for obj, plain in restore:
        for name, value in plain.items():
            attributes.set_committed_value(obj, name, value)
    from sqlalchemy.orm import undefer

    for kept in session.scalars(select(Attachment).options(undefer(Attachment.data))):
        if seal_attachment(session, kept):
            count += 1
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_index(search_index) VALUES('optimize')"))
    return count


def plaintext_left(session: Session) -> int:
    """How many protected values are still stored in plain text (``db check``): their
    identity columns, a denunciation's text, and the derived keys that repeat them."""
    den = select(Petition.id).where(Petition.petition_type == DENUNCIATION)
    protected = select(ProtectedCitizen.citizen_id)

    def plain(column):
        return (column.is_not(None)) & (column != "") & ~column.startswith(sealing.PREFIX)

    checks = [
        select(func.count()).select_from(Petitioner).where(
            Petitioner.petition_id.in_(den),
            or_(*(plain(getattr(Petitioner, f)) for f in PERSON_FIELDS),
                Petitioner.name_key != "")),
        select(func.count()).select_from(Citizen).where(
            Citizen.id.in_(protected),
            or_(*(plain(getattr(Citizen, f)) for f in PERSON_FIELDS),
                Citizen.name_key != "", Citizen.search_text != "")),
        select(func.count()).select_from(Petition).where(
            Petition.petition_type == DENUNCIATION, plain(Petition.content)),
        select(func.count()).select_from(Visit).where(
            Visit.petition_type == DENUNCIATION,
            or_(plain(Visit.content), plain(Visit.notes))),
    ]
    return sum(session.scalar(c) or 0 for c in checks)


def database_sealed(session: Session) -> bool:
    """Whether this database keeps sealed values (any is stored): ``db check`` then holds
    it to keep every protected value sealed."""
    return any(session.scalar(select(model.id).where(  # type: ignore[attr-defined]
        getattr(model, fields[0]).startswith(sealing.PREFIX)).limit(1)) is not None
        for model, fields in SEALED_COLUMNS.items())


# --- a cleared user's search over the sealed people -------------------------------------------
#
# Protected citizens have no folded text in the index; a cleared user still finds them by
# name, ID number, address or phone: their sealed values are opened once per keyring and
# database into memory (a province holds a few thousand protected persons) and matched
# there, each query word the start of a word. The list is read again when protection
# changed (the stamp of protection's shield) and at the latest after PEOPLE_SECONDS.

PEOPLE_SECONDS = 60.0
_people: dict[tuple, tuple[tuple, float, list[tuple[str, str, str]]]] = {}
_people_lock = threading.Lock()


def _sealed_rows(session: Session, kind: str) -> list[tuple[str, str, list[str | None]]]:
    """(id, unit id, opened values) of the sealed records of ``kind`` a cleared user
    searches in memory: protected citizens (identity), denunciation petitions (their
    text), visits recorded as denunciations (their text)."""
    ring = sealing.current_keyring()
    model: type
    if kind == "citizen":
        model, fields = Citizen, PERSON_FIELDS
        where = [Citizen.id.in_(select(ProtectedCitizen.citizen_id)),
                 Citizen.merged_into_id.is_(None), Citizen.full_name.startswith(sealing.PREFIX)]
    elif kind == "petition":
        model, fields = Petition, TEXT_FIELDS[Petition]
        where = [Petition.petition_type == DENUNCIATION,
                 Petition.content.startswith(sealing.PREFIX)]
    else:
        model, fields = Visit, TEXT_FIELDS[Visit]
        where = [Visit.petition_type == DENUNCIATION, Visit.content.startswith(sealing.PREFIX)]
    rows = session.execute(select(model.id, model.unit_id,
                                  *(getattr(model, f) for f in fields)).where(*where)).all()
    columns = [sealing.open_many([r[2 + i] for r in rows], context=context(model, f),
                                 keyring=ring) for i, f in enumerate(fields)]
    return [(r[0], r[1], [c[n] for c in columns]) for n, r in enumerate(rows)]


def sealed_records(session: Session, kind: str) -> list[tuple[str, str, str]]:
    """(id, unit id, " " + folded text) of the sealed records of ``kind`` (see
    :func:`_sealed_rows`), opened once per keyring, database and change of protection;
    empty for a process that cannot open them."""
    from .protection import _stamp

    ring = sealing.current_keyring()
    if ring is None or not ring.cleared or kind not in ("citizen", "petition", "visit"):
        return []
    bind = session.get_bind()
    key = (id(bind), str(getattr(bind, "url", "")), id(ring), kind)
    stamp = _stamp(session)
    kept = _people.get(key)
    if kept is not None and kept[0] == stamp and time.monotonic() - kept[1] < PEOPLE_SECONDS:
        return kept[2]
    made = [(rid, unit_id, " " + fold(" ".join(v for v in values if v)))
            for rid, unit_id, values in _sealed_rows(session, kind)]
    with _people_lock:
        _people[key] = (stamp, time.monotonic(), made)
    return made


def sealed_citizens(session: Session) -> list[tuple[str, str, str]]:
    return sealed_records(session, "citizen")


def sealed_matches(session: Session, query: str, kind: str,
                   unit_ids: Iterable[str] | None = None) -> list[str]:
    """The ids of sealed records of ``kind`` matching ``query`` (every folded word of it
    the start of a word of their opened text), for a cleared user; [] for any other."""
    from ..text import search_tokens
    from .accounts import is_cleared

    tokens = [" " + t for t in dict.fromkeys(search_tokens(query))]
    if not tokens or not is_cleared():
        return []
    units = None if unit_ids is None else set(unit_ids)
    records = sealed_records(session, kind)
    if not records:
        return []
    joined, starts = _joined(records)
    # the longest word found in the whole text at once; each record holding it checked
    first = max(tokens, key=len)
    rest = [t for t in tokens if t != first]
    hits: list[int] = []
    at = joined.find(first)
    while at >= 0:
        n = bisect.bisect_right(starts, at) - 1
        if not hits or hits[-1] != n:
            hits.append(n)
        at = joined.find(first, starts[n + 1] if n + 1 < len(starts) else len(joined))
    out: list[str] = []
    for n in hits:
        rid, unit_id, text_ = records[n]
        if (units is None or unit_id in units) and all(t in text_ for t in rest):
            out.append(rid)
    return out


_joined_cache: dict[int, tuple[list, str, list[int]]] = {}


def _joined(records: list[tuple[str, str, str]]) -> tuple[str, list[int]]:
    """The records' texts as one string (each after a newline) and where each starts:
    one search over it instead of one per record."""
    kept = _joined_cache.get(id(records))
    if kept is not None and kept[0] is records:
        return kept[1], kept[2]
    starts: list[int] = []
    parts: list[str] = []
    at = 0
    for _rid, _unit, text_ in records:
        starts.append(at)
        parts.append(text_)
        at += len(text_) + 1
    joined = "\n".join(parts)
    if len(_joined_cache) > 16:
        _joined_cache.clear()
    _joined_cache[id(records)] = (records, joined, starts)
    return joined, starts


def sealed_citizen_matches(session: Session, query: str,
                           unit_ids: Iterable[str] | None = None) -> list[str]:
    return sealed_matches(session, query, "citizen", unit_ids)


# --- rows written in bulk (exchange.bulk) -------------------------------------------------------


def seal_rows(session: Session, rows: dict[str, list[dict]], entries: list) -> None:
    """Seal, in place, the protected values of rows about to be inserted in bulk and of
    their audit entries (``(action, kind, record id, unit id, detail)``), as the flush
    hook seals records written one at a time. Citizens protected in this write whose rows
    were inserted by an earlier one are sealed where they stand."""
    ring = sealing.current_keyring()
    if ring is None:
        return
    protected = {r["citizen_id"] for r in rows.get("protected_citizens", ())}
    written_citizens = {r["id"] for r in rows.get("citizens", ())}
    denounced = {r["id"] for r in rows.get("petitions", ())
                 if r.get("petition_type") == DENUNCIATION}
    other = {r["petition_id"] for r in rows.get("petitioners", ())} - denounced - {
        r["id"] for r in rows.get("petitions", ())}
    if other:
        denounced |= set(session.scalars(select(Petition.id).where(
            Petition.id.in_(other), Petition.petition_type == DENUNCIATION)))
    den_visits = {r["id"] for r in rows.get("visits", ())
                  if r.get("petition_type") == DENUNCIATION}

    def person(model: type, row: dict) -> None:
        opened = {f: row.get(f) for f in PERSON_FIELDS}
        for f in PERSON_FIELDS:
            if row.get(f) and not sealing.is_sealed(row[f]):
                row[f] = sealing.seal(row[f], context=context(model, f), keyring=ring)
        row.update(PERSON_DERIVED[model])
        if ring.index_key is not None:
            row["id_hash"] = id_hash(opened["id_number"], ring)
            row["seal_marks"] = marks(opened["full_name"],
                                      [opened["id_number"], opened["phone"]], ring)

    for row in rows.get("citizens", ()):
        if row["id"] in protected:
            person(Citizen, row)
    for row in rows.get("petitioners", ()):
        if row["petition_id"] in denounced:
            person(Petitioner, row)
    for text_model, table, ids in ((Petition, "petitions", denounced),
                                   (Visit, "visits", den_visits)):
        for row in rows.get(table, ()):
            if row["id"] in ids:
                for f in TEXT_FIELDS[text_model]:
                    if row.get(f) and not sealing.is_sealed(row[f]):
                        row[f] = sealing.seal(row[f], context=context(text_model, f),
                                              keyring=ring)
                row["search_text"] = (fold(row.get("ref") or "") if text_model is Petition
                                      else "")
    kinds: dict[str, type] = {"citizen": Citizen, "petitioner": Petitioner}
    for _action, kind, record_id, _unit, detail in entries:
        model = kinds.get(kind)
        fields: Iterable[str] = PERSON_FIELDS
        if model is None and kind in ("petition", "visit") and record_id in (
                denounced | den_visits):
            model = Petition if kind == "petition" else Visit
            fields = TEXT_FIELDS[model]
        if model is None or not isinstance(detail, dict):
            continue
        for f in fields:
            value = detail.get(f)
            if isinstance(value, str) and value and not sealing.is_sealed(value):
                detail[f] = sealing.seal(value, context=context(model, f), keyring=ring)
            elif isinstance(value, list):
                detail[f] = [sealing.seal(v, context=context(model, f), keyring=ring)
                             if isinstance(v, str) and v and not sealing.is_sealed(v) else v
                             for v in value]
    earlier = protected - written_citizens
    if earlier:
        restore: list = []
        with session.no_autoflush:
            for citizen_id in sorted(earlier):
                citizen = session.get(Citizen, citizen_id)
                if citizen is not None:
                    _seal_person(citizen, ring, everything=True, restore=restore)
        session.flush()


# --- printed versions of minutes (their frozen content) ------------------------------------------

#: what of a confidential visit a frozen minutes version keeps sealed
SNAPSHOT_VISIT_TEXTS = ("content", "direction", "follow_up", "previously_handled_by")
SNAPSHOT_PERSON_FIELDS = ("name", "id_number", "address", "phone")
SNAPSHOT_CONTEXT = "minutes_versions.content"


def _snapshot_walk(content: dict, change) -> dict:
    for visit in content.get("visits", ()):
        if not visit.get("confidential", True):
            continue
        for key in SNAPSHOT_VISIT_TEXTS:
            if isinstance(visit.get(key), str) and visit[key]:
                visit[key] = change(visit[key])
        for group in ("people", "representatives"):
            for person in visit.get(group) or ():
                if not isinstance(person, dict):
                    continue
                for key in SNAPSHOT_PERSON_FIELDS:
                    if isinstance(person.get(key), str) and person[key]:
                        person[key] = change(person[key])
    return content


def seal_snapshot(content: dict) -> dict:
    """A minutes version's frozen content with its confidential visits' identities and
    texts sealed (when the database has keys); the content itself is changed."""
    ring = sealing.current_keyring()
    if ring is None:
        return content
    return _snapshot_walk(content, lambda v: v if sealing.is_sealed(v) else sealing.seal(
        v, context=SNAPSHOT_CONTEXT, keyring=ring))


def open_snapshot(content: dict) -> dict:
    """The frozen content with its sealed values opened for a cleared process, or
    "(confidential)" for others."""
    return _snapshot_walk(content, lambda v: open_value_or(
        "minutes_versions", "content", v, _redacted()) if sealing.is_sealed(v) else v)


def _redacted() -> str:
    from .protection import redacted

    return redacted()
