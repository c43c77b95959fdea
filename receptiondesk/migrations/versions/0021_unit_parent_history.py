"""A unit's former parent and the day its present one took over (two-tier local
government: a commune under its district until 30/6/2025, under the province from
1/7/2025), and the move itself for the units already recorded as dissolved with a
successor: their units still in being pass to the successor from the dissolution day.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

units = sa.table(
    "units",
    sa.column("id", sa.String), sa.column("parent_id", sa.String),
    sa.column("dissolved_on", sa.Date), sa.column("successor_id", sa.String),
    sa.column("former_parent_id", sa.String), sa.column("parent_since", sa.Date),
    sa.column("version", sa.Integer),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a referencing column in place
        op.execute("ALTER TABLE units ADD COLUMN former_parent_id VARCHAR(32) "
                   "REFERENCES units (id)")
    else:
        op.add_column("units", sa.Column("former_parent_id", sa.String(32),
                                         sa.ForeignKey("units.id"), nullable=True))
    op.add_column("units", sa.Column("parent_since", sa.Date(), nullable=True))
    move_children_of_dissolved_units(op.get_bind())


def move_children_of_dissolved_units(conn) -> None:
    """The units under a unit dissolved with a successor, still in being on its
    dissolution day, pass to the successor from that day (their former parent kept)."""
    u = units.c
    gone = conn.execute(sa.select(u.id, u.dissolved_on, u.successor_id).where(
        u.dissolved_on.is_not(None), u.successor_id.is_not(None))).all()
    for unit_id, on, successor in gone:
        conn.execute(units.update().where(
            u.parent_id == unit_id, u.id != successor,
            sa.or_(u.dissolved_on.is_(None), u.dissolved_on > on),
        ).values(parent_id=successor, former_parent_id=unit_id, parent_since=on,
                 version=u.version + 1))


def downgrade() -> None:
    u = units.c
    conn = op.get_bind()
    conn.execute(units.update().where(u.former_parent_id.is_not(None)).values(
        parent_id=u.former_parent_id))
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE units DROP CONSTRAINT IF EXISTS units_former_parent_id_fkey")
    op.execute("ALTER TABLE units DROP COLUMN parent_since")
    op.execute("ALTER TABLE units DROP COLUMN former_parent_id")
