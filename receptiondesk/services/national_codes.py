"""The mapping of ReceptionDesk's codes to the national complaints database's code lists.

The national database on citizen reception and petition handling (kept by the Government
Inspectorate) takes records coded with its own lists: the administrative unit, the
source, the type, the field, the competence, the handling direction and the result. The
mapping is the office's data, edited in Settings:

- units, fields and sources carry a ``national_code`` column of their own;
- the fixed code lists (type, competence, handling, result) are rows of the
  ``national_codes`` table (code list, our code, national code).

IMPORTANT: the official values of those lists are not known to ReceptionDesk with
certainty. :data:`DEFAULT_CODES` are placeholders in the same shape (two digits in our
order), written once into a database so that the export works out of the box; they are
marked as ReceptionDesk's defaults (:data:`DEFAULT_VERSION`, the Settings note, the
export's header and summary) until the office replaces them with the values issued to it.
Units never get a default: an administrative unit code is not ours to guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import N_, _
from ..model import Field, NationalCode, SourceEntry, Unit
from ..model.codes import Handling, PetitionType, Result, label
from . import reference
from .accounts import require
from .errors import NotFoundError
from .validation import Checker, clean

#: the code lists of the national database, in the export's column order
CODE_LISTS: tuple[str, ...] = (
    "unit", "source", "type", "field", "competence", "handling", "result")
#: the lists kept in the ``national_codes`` table (the others are columns of their tables)
TABLE_LISTS: tuple[str, ...] = ("type", "competence", "handling", "result")

COMPETENT, NOT_COMPETENT = "competent", "not_competent"
COMPETENCE_LABELS = {COMPETENT: N_("Within the unit's competence"),
                     NOT_COMPETENT: N_("Not within the unit's competence")}

#: the version written in the export's header while a list holds the defaults below
DEFAULT_VERSION = "receptiondesk-default-1"
#: where the office records the version of the lists it was issued (Settings)
VERSION_SETTING = "national_codes.version"
#: set once the defaults were written, so a code the office cleared stays cleared
SEEDED_SETTING = "national_codes.seeded"


def _numbered(codes: list[str]) -> dict[str, str]:
    return {code: f"{i:02d}" for i, code in enumerate(codes, start=1)}


#: ReceptionDesk's placeholder codes — NOT the official values (see the module's note)
DEFAULT_CODES: dict[str, dict[str, str]] = {
    "source": _numbered([c for c, _vi, _en in reference.DEFAULT_SOURCES]),
    "type": _numbered([t.value for t in PetitionType]),
    "field": _numbered([c for c, _vi, _en in reference.DEFAULT_FIELDS]),
    "competence": _numbered([COMPETENT, NOT_COMPETENT]),
    "handling": _numbered([h.value for h in Handling]),
    "result": _numbered([r.value for r in Result]),
}

_LIST_TITLES = {
    "unit": N_("Units"),
    "source": N_("Sources of petitions"),
    "type": N_("Petition types"),
    "field": N_("Fields of petitions"),
    "competence": N_("Competence"),
    "handling": N_("Handling directions"),
    "result": N_("Results"),
}


def list_title(code_list: str) -> str:
    """The translated name of a code list, as Settings shows it."""
    return _(_LIST_TITLES[code_list])


def competence_label(code: str | None) -> str:
    return _(COMPETENCE_LABELS[code]) if code in COMPETENCE_LABELS else ""


# --- the defaults, written once -----------------------------------------------------------


def ensure_national_codes(session: Session) -> None:
    """Write the placeholder codes into a database once (new or older), never again:
    afterwards every code, blank or not, is the office's."""
    if reference.get_setting(session, SEEDED_SETTING):
        return
    existing = {(r.code_list, r.code) for r in session.scalars(select(NationalCode))}
    for code_list in TABLE_LISTS:
        for code, national in DEFAULT_CODES[code_list].items():
            if (code_list, code) not in existing:
                session.add(NationalCode(code_list=code_list, code=code, national_code=national))
    for model, code_list in ((Field, "field"), (SourceEntry, "source")):
        # (mypy takes the rows of either model for their common base)
        for row in cast(Iterable[Field | SourceEntry], session.scalars(select(model))):
            if not row.national_code and row.code in DEFAULT_CODES[code_list]:
                row.national_code = DEFAULT_CODES[code_list][row.code]
    reference.put_setting(session, SEEDED_SETTING, True)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value of a code list: our code (a unit's id for units), what it is called,
    its national code (blank: not mapped) and ReceptionDesk's placeholder, if any."""

    code: str
    name: str
    national_code: str
    default_code: str = ""
    shown_code: str = ""  # the code an office reads (a unit's code rather than its id)


def _enum_codes(code_list: str) -> list[tuple[str, str]]:
    if code_list == "competence":
        return [(c, competence_label(c)) for c in (COMPETENT, NOT_COMPETENT)]
    enum = {"type": PetitionType, "handling": Handling, "result": Result}[code_list]
    return [(m.value, label(enum, m.value)) for m in enum]


def entries(session: Session, code_list: str) -> list[Entry]:
    """Every value of ``code_list`` with its national code, in display order."""
    defaults = DEFAULT_CODES.get(code_list, {})
    if code_list == "unit":
        from .units import list_units

        return [Entry(u.id, u.name, u.national_code, "", u.code) for u in list_units(session)]
    if code_list in ("field", "source"):
        from .lookups import list_lookup

        return [Entry(r.code, reference.lookup_name(r), r.national_code,
                      defaults.get(r.code, ""), r.code)
                for r in list_lookup(session, code_list)]
    stored = table_codes(session).get(code_list, {})
    return [Entry(code, name, stored.get(code, ""), defaults.get(code, ""), code)
            for code, name in _enum_codes(code_list)]


def table_codes(session: Session) -> dict[str, dict[str, str]]:
    """The ``national_codes`` rows: code list → our code → national code."""
    found: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(NationalCode)):
        found.setdefault(row.code_list, {})[row.code] = row.national_code
    return found


def holds_defaults(session: Session, code_list: str) -> bool:
    """Whether a list's national codes are still all ReceptionDesk's placeholders."""
    defaults = DEFAULT_CODES.get(code_list)
    if not defaults:
        return False
    current = {e.code: e.national_code for e in entries(session, code_list)}
    return any(current.get(code) == value for code, value in defaults.items()) and all(
        current.get(code) in ("", value) for code, value in defaults.items())


def code_list_version(session: Session) -> str:
    """The version of the official lists the office recorded ('' when none)."""
    return str(reference.get_setting(session, VERSION_SETTING, "") or "")


def versions(session: Session) -> dict[str, dict[str, object]]:
    """For the export's header: each list's version and whether it holds placeholders."""
    office = code_list_version(session)
    out: dict[str, dict[str, object]] = {}
    for code_list in CODE_LISTS:
        default = holds_defaults(session, code_list)
        out[code_list] = {"version": DEFAULT_VERSION if default else (office or "office"),
                          "receptiondesk_defaults": default}
    return out


# --- editing (Settings) -------------------------------------------------------------------


def save_national_code(session: Session, code_list: str, code: str, national_code: str) -> None:
    """Give ``code`` of ``code_list`` its national code ('' leaves it unmapped)."""
    require(session, "settings.edit")
    if code_list not in CODE_LISTS:
        raise ValueError(f"unknown code list {code_list!r}")
    value = clean(national_code)
    ck = Checker()
    ck.max_length("national_code", value, 40, _("National code"))
    ck.raise_if_any()
    if code_list in TABLE_LISTS:
        if code not in dict(_enum_codes(code_list)):
            raise NotFoundError(_("The entry no longer exists."))
        row = session.scalar(select(NationalCode).where(
            NationalCode.code_list == code_list, NationalCode.code == code))
        if row is None:
            row = NationalCode(code_list=code_list, code=code)
            session.add(row)
        row.national_code = value
    else:
        models: dict[str, type[Unit] | type[Field] | type[SourceEntry]] = {
            "unit": Unit, "field": Field, "source": SourceEntry}
        model = models[code_list]
        target = cast(Unit | Field | SourceEntry | None, session.get(model, code))
        if target is None:
            raise NotFoundError(_("The entry no longer exists."))
        target.national_code = value
    session.flush()


def save_version(session: Session, version: str) -> None:
    """Record which issue of the official code lists the office's codes follow."""
    require(session, "settings.edit")
    value = clean(version)
    ck = Checker()
    ck.max_length("version", value, 100, _("Version of the code lists"))
    ck.raise_if_any()
    reference.put_setting(session, VERSION_SETTING, value)
