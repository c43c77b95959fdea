"""The shipped rules brought to the legal texts, in databases made before (issue 15).

Revision ID: 0006
Revises: 0005

Data only, no schema change. The rules a database was seeded with are corrected where
the office has not edited them (every column still as shipped):

* Quy định 11-QĐi/TW is dated 18/02/2019 (shipped: 14/02), and its art. 4(1) already
  required the commune Party secretary to receive citizens 2 days a month (shipped: 1);
* Thông tư 05/2021/TT-TTCP took effect on 15/11/2021 (shipped: 1/10/2021);
* Kết luận 215-KL/TW of 23/11/2025 restates the province secretary's duty too;
* Luật 136/2025/QH15 from 1/7/2026: the limits kept, their source marked unconfirmed.

The open petitions' due dates are then recomputed once by the application (the rules and
the calendar's day swaps changed under them): this step leaves a note in ``settings``.

New versions are added only to a database that already holds rules: an empty one is
seeded afterwards with the current defaults. The values are written out here rather than
read from the application, so that this step never changes once released.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_QD11_OLD = "Quy định 11-QĐi/TW"
_QD11_DUTY = "Quy định 11-QĐi/TW ngày 18/02/2019, Điều 4 khoản 1"
_KL215_OLD = "Kết luận 215-KL/TW (sửa đổi Quy định 11-QĐi/TW)"
_KL215 = "Kết luận 215-KL/TW ngày 23/11/2025 (sửa đổi Điều 4 khoản 1 Quy định 11-QĐi/TW)"
_LAW_136 = ("Luật 136/2025/QH15 (hiệu lực 01/7/2026): chưa xác minh thời hạn này có thay "
            "đổi hay không, giữ như trước")
_LAW_136_DUTY = ("Luật 136/2025/QH15 (hiệu lực 01/7/2026): chưa xác minh số ngày tiếp có "
                 "thay đổi hay không, giữ như trước")
_LAW_136_FROM = date(2026, 7, 1)

deadline_rules = sa.table(
    "deadline_rules",
    sa.column("id", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime), sa.column("version", sa.Integer),
    sa.column("key", sa.String), sa.column("effective_from", sa.Date),
    sa.column("days", sa.Integer), sa.column("mode", sa.String),
    sa.column("complex_days", sa.Integer), sa.column("remote_days", sa.Integer),
    sa.column("remote_complex_days", sa.Integer), sa.column("extension_days", sa.Integer),
    sa.column("max_extensions", sa.Integer), sa.column("legal_basis", sa.Text),
)
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
#: tells the application to recompute the open petitions' due dates once (the rules and
#: the calendar changed under them); see ``services.reference.recompute_if_pending``
RECOMPUTE_KEY = "rules.recompute_due_dates"

duty_rules = sa.table(
    "duty_rules",
    sa.column("id", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime), sa.column("version", sa.Integer),
    sa.column("role", sa.String), sa.column("level", sa.String),
    sa.column("days", sa.Integer), sa.column("period", sa.String),
    sa.column("effective_from", sa.Date), sa.column("legal_basis", sa.Text),
)

# (key, old from, old basis) → (new from, new basis); days and mode are unchanged
_DEADLINE_FIXES = (
    ("party_head_answer", date(2019, 2, 14), "Quy định 11-QĐi/TW ngày 14/02/2019",
     date(2019, 2, 18), "Quy định 11-QĐi/TW ngày 18/02/2019 (điều, khoản: chưa xác minh)"),
    ("petition_process", date(2021, 10, 1), "Thông tư 05/2021/TT-TTCP",
     date(2021, 11, 15),
     "Thông tư 05/2021/TT-TTCP, hiệu lực 15/11/2021 (điều, khoản: chưa xác minh)"),
)
# the law-based limits as shipped: (key, days, mode, complex, remote, remote complex,
# extension days, max extensions, basis)
_BY_LAW = (
    ("complaint_accept", 10, "calendar", None, None, None, None, 0,
     "Luật Khiếu nại 2011, Điều 27"),
    ("complaint_resolve_first", 30, "calendar", 45, 45, 60, None, 0,
     "Luật Khiếu nại 2011, Điều 28"),
    ("complaint_resolve_second", 45, "calendar", 60, 60, 70, None, 0,
     "Luật Khiếu nại 2011, Điều 37"),
    ("denunciation_accept", 7, "working", None, None, None, 3, 1,
     "Luật Tố cáo 2018, Điều 24"),
    ("denunciation_resolve", 30, "calendar", None, None, None, 30, 2,
     "Luật Tố cáo 2018, Điều 30"),
)
# (role, level, old days, old from, old basis) → (new days, new from, new basis)
_DUTY_FIXES = (
    ("party_secretary", "commune", 1, date(2019, 2, 14), _QD11_OLD,
     2, date(2019, 2, 18), _QD11_DUTY),
    ("party_secretary", "district", 1, date(2019, 2, 14), _QD11_OLD,
     1, date(2019, 2, 18), _QD11_DUTY),
    ("party_secretary", "province", 1, date(2019, 2, 14), _QD11_OLD,
     1, date(2019, 2, 18), _QD11_DUTY),
    ("party_secretary", "commune", 2, date(2025, 11, 23), _KL215_OLD,
     2, date(2025, 11, 23), _KL215),
)
# (role, level, days, period, from, basis)
_DUTY_NEW = (
    ("party_secretary", "province", 1, "month", date(2025, 11, 23), _KL215),
    ("committee_chairman", "commune", 1, "week", _LAW_136_FROM,
     "Luật Tiếp công dân 2013, Điều 15; " + _LAW_136_DUTY),
    ("committee_chairman", "province", 1, "month", _LAW_136_FROM,
     "Luật Tiếp công dân 2013, Điều 12; " + _LAW_136_DUTY),
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _stamp() -> dict:
    now = _now()
    return {"id": uuid.uuid4().hex, "created_at": now, "updated_at": now, "version": 1}


def _count(conn, table, *where) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()


def upgrade() -> None:
    conn = op.get_bind()
    d, u = deadline_rules.c, duty_rules.c
    for key, old_from, old_basis, new_from, new_basis in _DEADLINE_FIXES:
        if _count(conn, deadline_rules, d.key == key, d.effective_from == new_from):
            continue  # the office already has a version on that day: theirs stays
        conn.execute(deadline_rules.update()
                     .where(d.key == key, d.effective_from == old_from, d.days == 10,
                            d.mode == "working", d.legal_basis == old_basis)
                     .values(effective_from=new_from, legal_basis=new_basis,
                             updated_at=_now(), version=d.version + 1))
    if _count(conn, deadline_rules):
        if not _count(conn, settings, settings.c.key == RECOMPUTE_KEY):
            conn.execute(settings.insert().values(key=RECOMPUTE_KEY, value="true"))
        for key, days, mode, cx, rm, rmcx, ext, mx, basis in _BY_LAW:
            if _count(conn, deadline_rules, d.key == key, d.effective_from == _LAW_136_FROM):
                continue
            conn.execute(deadline_rules.insert().values(
                **_stamp(), key=key, effective_from=_LAW_136_FROM, days=days, mode=mode,
                complex_days=cx, remote_days=rm, remote_complex_days=rmcx,
                extension_days=ext, max_extensions=mx,
                legal_basis=f"{basis}; {_LAW_136}"))
    for role, level, old_days, old_from, old_basis, days, new_from, basis in _DUTY_FIXES:
        same_day = u.role == role, u.level == level, u.effective_from == new_from
        if new_from != old_from and _count(conn, duty_rules, *same_day):
            continue
        conn.execute(duty_rules.update()
                     .where(u.role == role, u.level == level, u.effective_from == old_from,
                            u.days == old_days, u.period == "month",
                            u.legal_basis == old_basis)
                     .values(days=days, effective_from=new_from, legal_basis=basis,
                             updated_at=_now(), version=u.version + 1))
    if _count(conn, duty_rules):
        for role, level, days, period, since, basis in _DUTY_NEW:
            if _count(conn, duty_rules, u.role == role, u.level == level,
                      u.effective_from == since):
                continue
            conn.execute(duty_rules.insert().values(
                **_stamp(), role=role, level=level, days=days, period=period,
                effective_from=since, legal_basis=basis))


def downgrade() -> None:
    conn = op.get_bind()
    d, u = deadline_rules.c, duty_rules.c
    conn.execute(settings.delete().where(settings.c.key == RECOMPUTE_KEY))
    for key, *_rest, basis in _BY_LAW:
        conn.execute(deadline_rules.delete().where(
            d.key == key, d.effective_from == _LAW_136_FROM,
            d.legal_basis == f"{basis}; {_LAW_136}"))
    for key, old_from, old_basis, new_from, new_basis in _DEADLINE_FIXES:
        conn.execute(deadline_rules.update()
                     .where(d.key == key, d.effective_from == new_from,
                            d.legal_basis == new_basis)
                     .values(effective_from=old_from, legal_basis=old_basis))
    for role, level, _days, _period, since, basis in _DUTY_NEW:
        conn.execute(duty_rules.delete().where(
            u.role == role, u.level == level, u.effective_from == since,
            u.legal_basis == basis))
    for role, level, old_days, old_from, old_basis, days, new_from, basis in _DUTY_FIXES:
        conn.execute(duty_rules.update()
                     .where(u.role == role, u.level == level, u.effective_from == new_from,
                            u.days == days, u.legal_basis == basis)
                     .values(days=old_days, effective_from=old_from, legal_basis=old_basis))
