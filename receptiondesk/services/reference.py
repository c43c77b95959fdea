"""Reference data: lookup tables, legal rules kept as data, the office calendar, settings.

The defaults are written once into a new database; after that they are the
office's to edit (Settings), and the rules are read from the database.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import current_language
from ..model import CalendarDay, DeadlineRuleRow, DutyRuleRow, Field, Setting, SourceEntry
from ..rules.calendar import DayCount, WorkCalendar
from ..rules.deadlines import DEFAULT_RULES, DeadlineRule
from ..rules.duty import DEFAULT_DUTY_RULES, DutyRule

# (code, Vietnamese name, English name): DESIGN §3 "Fields".
DEFAULT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("land", "Quản lý đất đai", "Land management"),
    (
        "compensation",
        "Bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất",
        "Compensation, support and resettlement when land is reclaimed",
    ),
    ("housing", "Nhà ở, tài sản", "Housing and assets"),
    ("social_policy", "Chế độ, chính sách xã hội", "Social policy"),
    ("civil_service", "Chế độ công chức, công vụ", "Civil-servant regimes"),
    ("justice", "Tư pháp", "Justice"),
    ("corruption", "Tham nhũng, tiêu cực, phẩm chất cán bộ", "Corruption and officials' conduct"),
    ("environment", "Môi trường", "Environment"),
    ("other", "Lĩnh vực khác", "Other"),
)

DEFAULT_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("reception", "Qua tiếp công dân", "At a reception session"),
    ("post", "Qua bưu chính", "By post"),
    ("forwarded", "Cơ quan khác chuyển đến", "Forwarded by another body"),
    ("mailbox", "Hòm thư góp ý", "Mailbox"),
    ("online", "Trực tuyến", "Online"),
)


def ensure_reference_data(session: Session) -> None:
    """Write the default lookups and rules into a database that has none yet."""
    if session.scalar(select(func.count()).select_from(Field)) == 0:
        session.add_all(
            Field(code=c, name_vi=vi, name_en=en, sort_order=i)
            for i, (c, vi, en) in enumerate(DEFAULT_FIELDS)
        )
    if session.scalar(select(func.count()).select_from(SourceEntry)) == 0:
        session.add_all(
            SourceEntry(code=c, name_vi=vi, name_en=en, sort_order=i)
            for i, (c, vi, en) in enumerate(DEFAULT_SOURCES)
        )
    if session.scalar(select(func.count()).select_from(DeadlineRuleRow)) == 0:
        session.add_all(
            DeadlineRuleRow(
                key=r.key,
                effective_from=r.effective_from,
                days=r.days,
                mode=str(r.mode),
                complex_days=r.complex_days,
                remote_days=r.remote_days,
                remote_complex_days=r.remote_complex_days,
                extension_days=r.extension_days,
                max_extensions=r.max_extensions,
                legal_basis=r.legal_basis,
            )
            for r in DEFAULT_RULES
        )
    if session.scalar(select(func.count()).select_from(DutyRuleRow)) == 0:
        session.add_all(
            DutyRuleRow(
                role=r.role,
                level=r.level,
                days=r.days,
                period=r.period,
                effective_from=r.effective_from,
                legal_basis=r.legal_basis,
            )
            for r in DEFAULT_DUTY_RULES
        )
    session.flush()
    from .national_codes import ensure_national_codes  # placeholder national codes, once

    ensure_national_codes(session)
    session.flush()


# --- lookups -------------------------------------------------------------------


def lookup_name(row: Field | SourceEntry) -> str:
    return row.name_vi if current_language() == "vi" else row.name_en


def fields(session: Session, active_only: bool = True) -> list[Field]:
    stmt = select(Field).order_by(Field.sort_order, Field.code)
    if active_only:
        stmt = stmt.where(Field.active.is_(True))
    return list(session.scalars(stmt))


def sources(session: Session, active_only: bool = True) -> list[SourceEntry]:
    stmt = select(SourceEntry).order_by(SourceEntry.sort_order, SourceEntry.code)
    if active_only:
        stmt = stmt.where(SourceEntry.active.is_(True))
    return list(session.scalars(stmt))


def field_choices(session: Session) -> list[tuple[str, str]]:
    return [(f.code, lookup_name(f)) for f in fields(session)]


def source_choices(session: Session) -> list[tuple[str, str]]:
    return [(s.code, lookup_name(s)) for s in sources(session)]


# --- rules ---------------------------------------------------------------------


def deadline_rules(session: Session) -> list[DeadlineRule]:
    rows = session.scalars(select(DeadlineRuleRow).order_by(DeadlineRuleRow.effective_from))
    return [
        DeadlineRule(
            key=r.key,
            effective_from=r.effective_from,
            days=r.days,
            mode=DayCount(r.mode),
            complex_days=r.complex_days,
            remote_days=r.remote_days,
            remote_complex_days=r.remote_complex_days,
            extension_days=r.extension_days,
            max_extensions=r.max_extensions,
            legal_basis=r.legal_basis,
        )
        for r in rows
    ]


def duty_rules(session: Session) -> list[DutyRule]:
    rows = session.scalars(select(DutyRuleRow).order_by(DutyRuleRow.effective_from))
    return [
        DutyRule(
            role=r.role,
            level=r.level,
            days=r.days,
            period=r.period,
            effective_from=r.effective_from,
            legal_basis=r.legal_basis,
        )
        for r in rows
    ]


#: the setting that lists the (month, day) of ``UNCONFIRMED_HOLIDAYS`` the office observes
OBSERVED_HOLIDAYS_KEY = "calendar.observed_holidays"


def observed_holidays(session: Session) -> set[tuple[int, int]]:
    """The days without a confirmed legal basis that this office keeps as days off."""
    stored = get_setting(session, OBSERVED_HOLIDAYS_KEY, []) or []
    return {(int(m), int(d)) for m, d in stored}


def work_calendar(session: Session) -> WorkCalendar:
    """The office's calendar: the public holidays, the government's day swaps
    (``GOVERNMENT_DAY_SWAPS``), the office's own days and observed unconfirmed days."""
    days = list(session.execute(select(CalendarDay.day, CalendarDay.kind)))
    return WorkCalendar(
        extra_days_off=[d for d, k in days if k == "day_off"],
        extra_working_days=[d for d, k in days if k == "working_day"],
        observed=observed_holidays(session),
    )


def set_calendar_day(session: Session, day: date, kind: str, note: str = "") -> CalendarDay:
    """Add or change an office make-up day off ('day_off') or working day ('working_day')."""
    from ..i18n import _
    from .errors import ValidationError

    if kind not in ("day_off", "working_day"):
        raise ValidationError.single("kind", _("Choose a day off or a working day."))
    row = session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        row = CalendarDay(day=day, kind=kind, note=note)
        session.add(row)
    else:
        row.kind, row.note = kind, note
    session.flush()
    rules_changed(session)
    return row


#: set by migration 0006 when the shipped rules or calendar changed under stored due dates
RECOMPUTE_KEY = "rules.recompute_due_dates"


def recompute_if_pending(session: Session) -> int:
    """Recompute the open petitions' due dates once after an upgrade changed the rules or
    the calendar under them; returns how many were recomputed."""
    if not get_setting(session, RECOMPUTE_KEY, False):
        return 0
    from .petitions import recompute_all_due_dates  # petitions imports this module

    count = recompute_all_due_dates(session)
    session.delete(session.get(Setting, RECOMPUTE_KEY))
    session.flush()
    return count


def rules_changed(session: Session) -> None:
    """Forget the rules and calendar cached for this unit of work (see petitions.Deadlines)."""
    session.info.pop("deadlines", None)


# --- settings ------------------------------------------------------------------


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return json.loads(row.value) if row and row.value else default


def put_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
    session.flush()
