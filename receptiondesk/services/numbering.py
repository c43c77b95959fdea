"""The numbers a unit gives its petitions, minutes, notices and reports, per unit and year.

* Minutes, notices and issued reports: "05/BB-UBND", "05-TB/ĐU" — numbered from 01 each year, with a
  leading zero below 10. Decree 30/2020/NĐ-CP, Appendix I (Part I, item on "Số, ký hiệu
  của văn bản"): the number is the order of the documents the body issues in one year,
  in Arabic digits, "với những số nhỏ hơn 10 phải ghi thêm số 0 phía trước" (confirmed
  from a secondary summary of the Appendix, lacviet.vn "Cách ghi số và ký hiệu văn
  bản"). The yearly restart at 01 is art. 15 para. 1 of the Decree; its exact wording
  could not be confirmed with the search tool (only secondary sources were found).
* Petitions: the pattern the office sets (``{seq:04d}/{year}/{unit_abbr}`` gives
  "0012/2026/ĐU"); a petition received with a number keeps it, and so does an imported one.

The last number of each (unit, year, kind) is a row of ``document_counters``, raised by
one UPDATE in the transaction that uses the number: a second writer waits for the first
to commit (SQLite's write lock, PostgreSQL's row lock) and gets the next one. A number
already used (typed by hand, imported, or given before the counter existed) is skipped.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..documents.numbering import document_symbol, party_abbreviation, state_abbreviation
from ..i18n import _
from ..model import ConcludingNotice, DocumentCounter, IssuedReport, Minutes, Petition, Unit
from ..model.codes import UnitKind
from .errors import ValidationError
from .reference import get_setting, put_setting
from .validation import REF_LENGTH

#: the setting that holds the petitions' number pattern
PETITION_PATTERN_KEY = "petition_number_pattern"
DEFAULT_PETITION_PATTERN = "{seq:04d}/{year}/{unit_abbr}"
#: the placeholders a petition number pattern may use
PATTERN_FIELDS = ("seq", "year", "unit_abbr", "unit_code")

#: a number skipped because it is already used is tried again at most this many times
_MAX_SKIPS = 100_000


def unit_abbreviation(unit: Unit) -> str:
    """'ĐU', 'TU', 'UBND', … — the issuer's abbreviation in document numbers."""
    if unit.kind == UnitKind.PARTY:
        return party_abbreviation(unit.name)
    return state_abbreviation(unit.name)


def _raise_counter(session: Session, unit_id: str, year: int, kind: str) -> int:
    """The counter of (unit, year, kind) raised by one, in this transaction."""
    dialect = session.get_bind().dialect.name
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(DocumentCounter).values(
        unit_id=unit_id, year=year, kind=kind, last_number=0).on_conflict_do_nothing())
    return session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.unit_id == unit_id, DocumentCounter.year == year,
               DocumentCounter.kind == kind)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def next_free(session: Session, unit_id: str, year: int, kind: str,
              make: Callable[[int], str], taken: Callable[[str], bool]) -> str:
    """The next number of the kind for the unit and year, formatted by ``make``, skipping
    those ``taken`` says are used."""
    for _attempt in range(_MAX_SKIPS):
        number = make(_raise_counter(session, unit_id, year, kind))
        if not taken(number):
            return number
    raise ValidationError.single("number", _("No free number is left for this year."))


# --- minutes and notices -----------------------------------------------------------------

def _year_span(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def next_minutes_number(session: Session, unit: Unit, year: int) -> str:
    """'05/BB-UBND' or '05-BB/ĐU': the unit's next minutes of the year (the year they are
    made in: the symbol has no year, so a number is taken only by minutes of that year)."""
    start, end = _year_span(year)

    def taken(number: str) -> bool:
        return session.scalar(select(Minutes.id).where(
            Minutes.unit_id == unit.id, Minutes.number == number,
            Minutes.created_at >= start, Minutes.created_at < end).limit(1)) is not None
    return next_free(session, unit.id, year, "minutes",
                     lambda n: document_symbol(unit.kind, unit.name, "BB", f"{n:02d}"), taken)


def _next_dated_number(session: Session, unit: Unit, year: int, kind: str, type_code: str,
                       model: type[ConcludingNotice] | type[IssuedReport]) -> str:
    """The unit's next document of ``model`` issued in ``year``, numbered by ``kind``'s
    counter with the symbol of ``type_code`` ("TB", "BC")."""
    def taken(number: str) -> bool:
        return session.scalar(select(model.id).where(
            model.unit_id == unit.id, model.number == number,
            model.issued_on >= date(year, 1, 1),
            model.issued_on < date(year + 1, 1, 1)).limit(1)) is not None
    return next_free(session, unit.id, year, kind,
                     lambda n: document_symbol(unit.kind, unit.name, type_code, f"{n:02d}"),
                     taken)


def next_notice_number(session: Session, unit: Unit, year: int) -> str:
    """'05/TB-UBND' or '05-TB/ĐU': the unit's next concluding notice of the year (issued
    that year)."""
    return _next_dated_number(session, unit, year, "notice", "TB", ConcludingNotice)


def next_report_number(session: Session, unit: Unit, year: int) -> str:
    """'05/BC-UBND' or '05-BC/ĐU': the unit's next report issued that year (the same
    numbering as minutes and notices)."""
    return _next_dated_number(session, unit, year, "report", "BC", IssuedReport)


# --- petitions ------------------------------------------------------------------------------

def check_petition_pattern(pattern: str) -> str:
    """The pattern, trimmed; a pattern that cannot number petitions is refused with the
    reason (field ``pattern``)."""
    pattern = (pattern or "").strip()
    field = _("Petition number pattern")
    if not pattern:
        raise ValidationError.single("pattern", _("{field} is required.").format(field=field))
    if len(pattern) > REF_LENGTH:
        raise ValidationError.single("pattern", _(
            "{field} is too long: at most {limit} characters.").format(field=field,
                                                                      limit=REF_LENGTH))
    seen = set()
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        raise ValidationError.single("pattern", _(
            "{field}: every \u201c{{\u201d needs its \u201c}}\u201d (write {{seq}}, {{year}}, "
            "{{unit_abbr}} or {{unit_code}}).").format(field=field)) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PATTERN_FIELDS:
            raise ValidationError.single("pattern", _(
                "{field}: \u201c{{{name}}}\u201d is not known; use {{seq}}, {{year}}, "
                "{{unit_abbr}} or {{unit_code}}.").format(field=field, name=name))
        if conversion or (spec and (name != "seq" or spec not in _SEQ_SPECS)):
            raise ValidationError.single("pattern", _(
                "{field}: only the sequence number takes a width, as {{seq:04d}} "
                "(2 to 6 digits).").format(field=field))
        seen.add(name)
    if "seq" not in seen:
        raise ValidationError.single("pattern", _(
            "{field} must contain the sequence number {{seq}} (for example "
            "{{seq:04d}}/{{year}}/{{unit_abbr}}).").format(field=field))
    if "year" not in seen:
        raise ValidationError.single("pattern", _(
            "{field} must contain the year {{year}}: numbers start again each year, and "
            "without the year two petitions would share a number.").format(field=field))
    return pattern


_SEQ_SPECS = ("", "d", "02d", "03d", "04d", "05d", "06d")


def petition_pattern(session: Session) -> str:
    return get_setting(session, PETITION_PATTERN_KEY) or DEFAULT_PETITION_PATTERN


def set_petition_pattern(session: Session, pattern: str) -> str:
    """Keep the petitions' number pattern (checked first)."""
    from .accounts import require

    require(session, "settings.edit")
    pattern = check_petition_pattern(pattern)
    put_setting(session, PETITION_PATTERN_KEY, pattern)
    return pattern


def format_petition_number(pattern: str, unit: Unit, year: int, seq: int) -> str:
    return pattern.format(seq=seq, year=year, unit_abbr=unit_abbreviation(unit),
                          unit_code=unit.code)


def next_petition_number(session: Session, unit: Unit, year: int) -> str:
    """The unit's next petition number of the year, in the pattern set in Settings."""
    pattern = petition_pattern(session)

    def taken(number: str) -> bool:
        return session.scalar(select(Petition.id).where(
            Petition.unit_id == unit.id, Petition.ref == number).limit(1)) is not None
    return next_free(session, unit.id, year, "petition",
                     lambda n: format_petition_number(pattern, unit, year, n), taken)
