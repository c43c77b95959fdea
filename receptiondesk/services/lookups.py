"""Editing the office's reference data: fields and sources, deadline rule versions and the
office calendar (make-up days off and working days).

Reading them stays in :mod:`receptiondesk.services.reference`; this module checks and saves
what Settings changes. After a rule or calendar change the open petitions' due dates must be
recomputed (``petitions.recompute_all_due_dates``): :func:`save_rule_version` does it, the
calendar functions leave it to the caller so the GUI can run it off its thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..model import CalendarDay, DeadlineRuleRow, Field, SourceEntry
from ..rules.calendar import UNCONFIRMED_HOLIDAYS, DayCount
from .accounts import require
from .errors import NotFoundError, ValidationError
from .locking import check_version, refuses_stale
from .validation import NOTE_LENGTH, Checker, clean

CODE = re.compile(r"^[a-z0-9_]+$")
LOOKUP_KINDS = ("field", "source")
_MODELS: dict[str, type[Field] | type[SourceEntry]] = {"field": Field, "source": SourceEntry}


# --- fields and sources ----------------------------------------------------------


@dataclass
class LookupInput:
    """A field (lĩnh vực) or a petition source as typed in Settings."""

    code: str
    name_vi: str
    name_en: str
    national_code: str = ""
    active: bool = True


def _model(kind: str) -> type[Field] | type[SourceEntry]:
    if kind not in _MODELS:
        raise ValueError(f"unknown lookup kind {kind!r}")
    return _MODELS[kind]


def list_lookup(session: Session, kind: str) -> list[Field | SourceEntry]:
    """Every entry of the table, inactive ones included, in display order."""
    model = _model(kind)
    return list(session.scalars(select(model).order_by(model.sort_order, model.code)))


def _check_lookup(session: Session, kind: str, data: LookupInput, new: bool) -> None:
    ck = Checker()
    code = clean(data.code)
    ck.required("code", code, _("Code"))
    if code and not CODE.match(code):
        ck.add("code", _("A code may hold only lower-case letters a–z, digits and \u201c_\u201d."))
    ck.max_length("code", code, 40, _("Code"))
    if new and code and session.get(_model(kind), code) is not None:
        ck.add("code", _("Code \u201c{code}\u201d is already used.").format(code=code))
    ck.required("name_vi", clean(data.name_vi), _("Vietnamese name"))
    ck.max_length("name_vi", clean(data.name_vi), 200, _("Vietnamese name"))
    ck.required("name_en", clean(data.name_en), _("English name"))
    ck.max_length("name_en", clean(data.name_en), 200, _("English name"))
    ck.max_length("national_code", clean(data.national_code), 40, _("National code"))
    ck.raise_if_any()


def save_lookup(
    session: Session, kind: str, data: LookupInput, existing_code: str | None = None
) -> Field | SourceEntry:
    """Add an entry (``existing_code`` None) or change one; its code never changes
    once records use it, so an edit keeps ``existing_code``."""
    require(session, "settings.edit")
    model = _model(kind)
    if existing_code is None:
        _check_lookup(session, kind, data, new=True)
        last = session.scalar(select(func.max(model.sort_order))) or 0
        row = model(code=clean(data.code), sort_order=last + 1)
        session.add(row)
    else:
        # (mypy takes a row of either model for their common base)
        found = cast(Field | SourceEntry | None, session.get(model, existing_code))
        if found is None:
            raise NotFoundError(_("The entry no longer exists."))
        row = found
        _check_lookup(session, kind, LookupInput(existing_code, data.name_vi, data.name_en,
                                                 data.national_code, data.active), new=False)
    row.name_vi = clean(data.name_vi)
    row.name_en = clean(data.name_en)
    row.national_code = clean(data.national_code)
    row.active = bool(data.active)
    session.flush()
    return row


# --- deadline rules --------------------------------------------------------------


@dataclass
class RuleInput:
    """One version of a legal time limit, in force from ``effective_from``."""

    key: str
    effective_from: date
    days: int
    mode: str = DayCount.CALENDAR
    complex_days: int | None = None
    remote_days: int | None = None
    remote_complex_days: int | None = None
    extension_days: int | None = None
    max_extensions: int = 0
    legal_basis: str = ""


def list_rule_rows(session: Session) -> list[DeadlineRuleRow]:
    """Every version of every rule, by key then effective date."""
    return list(session.scalars(
        select(DeadlineRuleRow).order_by(DeadlineRuleRow.key, DeadlineRuleRow.effective_from)
    ))


def _check_rule(session: Session, data: RuleInput, existing: DeadlineRuleRow | None) -> None:
    ck = Checker()
    ck.required("key", clean(data.key), _("Deadline"))
    if clean(data.key) and not CODE.match(clean(data.key)):
        ck.add("key", _("A code may hold only lower-case letters a–z, digits and \u201c_\u201d."))
    ck.required("effective_from", data.effective_from, _("Effective from"))
    ck.positive("days", data.days, _("Days"))
    ck.enum("mode", data.mode, DayCount, _("Counted in"))
    for name, value, title in (
        ("complex_days", data.complex_days, _("Days if complex")),
        ("remote_days", data.remote_days, _("Days in remote areas")),
        ("remote_complex_days", data.remote_complex_days, _("Days in remote areas if complex")),
        ("extension_days", data.extension_days, _("Days per extension")),
    ):
        if value is not None:
            ck.positive(name, value, title)
    if data.max_extensions is None or data.max_extensions < 0:
        ck.add("max_extensions", _("{field} must be at least {minimum}.").format(
            field=_("Extensions allowed"), minimum=0))
    ck.max_length("legal_basis", data.legal_basis, NOTE_LENGTH, _("Legal basis"))
    if data.max_extensions and not data.extension_days:
        ck.add("extension_days", _("Give the length of one extension."))
    if data.effective_from is not None and clean(data.key):
        clash = session.scalar(select(DeadlineRuleRow).where(
            DeadlineRuleRow.key == clean(data.key),
            DeadlineRuleRow.effective_from == data.effective_from,
        ))
        if clash is not None and (existing is None or clash.id != existing.id):
            ck.add("effective_from", _("This deadline already has a version in force from "
                                       "that date; edit it instead."))
    ck.raise_if_any()


@refuses_stale(DeadlineRuleRow, "rule_id")
def save_rule_version(
    session: Session, data: RuleInput, rule_id: str | None = None,
    recompute: bool = True, *, expected_version: int | None = None,
) -> DeadlineRuleRow:
    """Add a new version of a rule (``rule_id`` None) or correct an existing version.

    With ``recompute`` the open petitions' due dates follow the new rule at once.
    """
    require(session, "settings.edit")
    existing = None
    if rule_id is not None:
        existing = session.get(DeadlineRuleRow, rule_id)
        if existing is None:
            raise NotFoundError(_("The rule no longer exists."))
        check_version(session, existing, expected_version)
    _check_rule(session, data, existing)
    row = existing or DeadlineRuleRow()
    row.key = clean(data.key)
    row.effective_from = data.effective_from
    row.days = data.days
    row.mode = str(data.mode)
    row.complex_days = data.complex_days
    row.remote_days = data.remote_days
    row.remote_complex_days = data.remote_complex_days
    row.extension_days = data.extension_days
    row.max_extensions = data.max_extensions or 0
    row.legal_basis = (data.legal_basis or "").strip()
    if existing is None:
        session.add(row)
    session.flush()
    if recompute:
        recompute_due_dates(session)
    return row


def recompute_due_dates(session: Session) -> int:
    """Every open petition's next due date, after the rules or the calendar changed."""
    require(session, "settings.edit")
    from .petitions import recompute_all_due_dates

    return recompute_all_due_dates(session)


# --- office calendar -------------------------------------------------------------


CALENDAR_KINDS = ("day_off", "working_day")


def list_calendar_days(session: Session, year: int | None = None) -> list[CalendarDay]:
    stmt = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        stmt = stmt.where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(session.scalars(stmt))


def add_calendar_day(
    session: Session, day: date | None, kind: str, note: str = "", unit_id: str | None = None
) -> CalendarDay:
    """Add an office make-up day off or make-up working day (checked, one entry per day)."""
    require(session, "settings.edit")
    from .reference import set_calendar_day

    ck = Checker()
    ck.required("day", day, _("Date"))
    if kind not in CALENDAR_KINDS:
        ck.add("kind", _("Choose a day off or a working day."))
    ck.max_length("note", clean(note), 200, _("Note"))
    ck.raise_if_any()
    assert day is not None
    row = set_calendar_day(session, day, kind, clean(note))
    if unit_id and row.unit_id is None:
        row.unit_id = unit_id
    session.flush()
    return row


def set_holiday_observed(session: Session, month_day: tuple[int, int], observed: bool) -> None:
    """Keep (or stop keeping) as a day off a holiday whose legal basis could not be
    confirmed (``rules.calendar.UNCONFIRMED_HOLIDAYS``, e.g. Vietnam Cultural Day, 24/11)."""
    require(session, "settings.edit")
    from .reference import OBSERVED_HOLIDAYS_KEY, observed_holidays, put_setting, rules_changed

    if tuple(month_day) not in UNCONFIRMED_HOLIDAYS:
        raise ValidationError.single("day", _("This day cannot be chosen here."))
    day = (month_day[0], month_day[1])  # two numbers: one of the holidays above
    days = observed_holidays(session)
    if observed:
        days.add(day)
    else:
        days.discard(day)
    put_setting(session, OBSERVED_HOLIDAYS_KEY, sorted([m, d] for m, d in days))
    rules_changed(session)


def remove_calendar_day(session: Session, day: date) -> None:
    require(session, "settings.edit")
    row = session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        raise NotFoundError(_("That day is not in the office calendar."))
    session.delete(row)
    session.flush()

