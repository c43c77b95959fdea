"""The district heads' reception duty ends with the districts (two-tier local government
from 1/7/2025): a rule of 0 days from that day for the Party secretary and the People's
Committee chairman of a district, unless the office already has a rule on that day.

Revision ID: 0020
Revises: 0019

Data only. The source is named in ``rules.duty`` (Luật Tổ chức chính quyền địa phương
72/2025/QH15, article not confirmed; Kết luận 215-KL/TW).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

REFORM_FROM = date(2025, 7, 1)
BASIS = ("Luật Tổ chức chính quyền địa phương 72/2025/QH15: không còn cấp huyện từ "
         "01/7/2025 (điều, khoản: chưa xác minh); Kết luận 215-KL/TW bỏ cấp huyện "
         "khỏi Quy định 11-QĐi/TW")
ROLES = ("party_secretary", "committee_chairman")

duty_rules = sa.table(
    "duty_rules",
    sa.column("id", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime), sa.column("version", sa.Integer),
    sa.column("role", sa.String), sa.column("level", sa.String),
    sa.column("days", sa.Integer), sa.column("period", sa.String),
    sa.column("effective_from", sa.Date), sa.column("legal_basis", sa.Text),
)


def _count(conn, *where) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(duty_rules).where(*where)).scalar()


def upgrade() -> None:
    conn = op.get_bind()
    u = duty_rules.c
    if not _count(conn):
        return  # an empty database gets every rule with its reference data
    now = datetime.now(UTC).replace(tzinfo=None)
    for role in ROLES:
        if _count(conn, u.role == role, u.level == "district", u.effective_from == REFORM_FROM):
            continue  # the office's own rule on that day stays
        conn.execute(duty_rules.insert().values(
            id=uuid.uuid4().hex, created_at=now, updated_at=now, version=1, role=role,
            level="district", days=0, period="month", effective_from=REFORM_FROM,
            legal_basis=BASIS))


def downgrade() -> None:
    u = duty_rules.c
    op.get_bind().execute(duty_rules.delete().where(
        u.level == "district", u.effective_from == REFORM_FROM, u.days == 0,
        u.legal_basis == BASIS))
