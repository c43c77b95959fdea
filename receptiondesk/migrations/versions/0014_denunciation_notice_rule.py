"""Who may resolve what, and the notice of a denunciation's acceptance.

Revision ID: 0014
Revises: 0011

* ``petitions.party_matter``: a complaint about a Party discipline decision, which a
  Party committee resolves under Party rules (every other complaint is resolved by state
  bodies: ``rules.competence``). Existing petitions are not Party matters.
* ``units.successor_id``: the unit that takes over a dissolved unit's work (two-tier
  local government from 1/7/2025); new records in a dissolved unit are refused naming it.
* The notice limit, data. Luật Tố cáo 25/2018/QH14, Điều 29: within 05 working days
of the decision accepting a denunciation, the resolver notifies the denouncer, and the
denounced person of the content. A database that already holds rules gets the limit
(from 1/1/2019, and the version of Luật 136/2025/QH15 from 1/7/2026 like the other
law-based limits); an empty one is seeded afterwards with the current defaults. The
values are written out here so that this step never changes once released.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

KEY = "denunciation_notice"
_BASIS = "Luật Tố cáo 2018, Điều 29"
_LAW_136 = ("Luật 136/2025/QH15 (hiệu lực 01/7/2026): chưa xác minh thời hạn này có thay "
            "đổi hay không, giữ như trước")
VERSIONS = ((date(2019, 1, 1), _BASIS), (date(2026, 7, 1), f"{_BASIS}; {_LAW_136}"))

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


def _count(conn, *where) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(deadline_rules).where(*where)).scalar()


def upgrade() -> None:
    # a plain ADD COLUMN: a batch copy of the table would be refused by the foreign keys
    # of the petitions' dependants
    op.add_column("petitions", sa.Column("party_matter", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a referencing column in place
        op.execute("ALTER TABLE units ADD COLUMN successor_id VARCHAR(32) "
                   "REFERENCES units (id)")
    else:
        op.add_column("units", sa.Column("successor_id", sa.String(32),
                                         sa.ForeignKey("units.id"), nullable=True))
    conn = op.get_bind()
    d = deadline_rules.c
    if not _count(conn):
        return  # seeded later with the defaults, which hold the limit
    now = datetime.now(UTC).replace(tzinfo=None)
    for since, basis in VERSIONS:
        if _count(conn, d.key == KEY, d.effective_from == since):
            continue
        conn.execute(deadline_rules.insert().values(
            id=uuid.uuid4().hex, created_at=now, updated_at=now, version=1, key=KEY,
            effective_from=since, days=5, mode="working", complex_days=None,
            remote_days=None, remote_complex_days=None, extension_days=None,
            max_extensions=0, legal_basis=basis))


def downgrade() -> None:
    d = deadline_rules.c
    for since, basis in VERSIONS:
        op.get_bind().execute(deadline_rules.delete().where(
            d.key == KEY, d.effective_from == since, d.legal_basis == basis))
    # a plain ALTER (SQLite 3.35+, PostgreSQL): a batch copy of the table would be refused
    # by the petitions' dependants' foreign keys
    op.execute("ALTER TABLE petitions DROP COLUMN party_matter")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE units DROP CONSTRAINT IF EXISTS units_successor_id_fkey")
    op.execute("ALTER TABLE units DROP COLUMN successor_id")
