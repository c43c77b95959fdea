"""Printed versions of minutes (frozen content and fingerprint) and the counters that
number petitions, minutes and notices per unit and year.

Revision ID: 0013
Revises: 0011

Plain CREATE TABLE only (no batch rebuild of existing tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minutes_versions",
        sa.Column("minutes_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("printed_by", sa.String(length=60), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_copy_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["minutes_id"], ["minutes.id"],
                                name=op.f("fk_minutes_versions_minutes_id_minutes")),
        sa.ForeignKeyConstraint(["signed_copy_id"], ["attachments.id"],
                                name=op.f("fk_minutes_versions_signed_copy_id_attachments")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_minutes_versions_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_versions")),
        sa.UniqueConstraint("minutes_id", "number", name="uq_minutes_versions_minutes_number"),
    )
    op.create_index(op.f("ix_minutes_versions_minutes_id"), "minutes_versions",
                    ["minutes_id"])
    op.create_index(op.f("ix_minutes_versions_unit_id"), "minutes_versions", ["unit_id"])
    op.create_table(
        "document_counters",
        sa.Column("unit_id", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_document_counters_unit_id_units")),
        sa.PrimaryKeyConstraint("unit_id", "year", "kind", name=op.f("pk_document_counters")),
    )


def downgrade() -> None:
    op.drop_table("document_counters")
    op.drop_index(op.f("ix_minutes_versions_unit_id"), table_name="minutes_versions")
    op.drop_index(op.f("ix_minutes_versions_minutes_id"), table_name="minutes_versions")
    op.drop_table("minutes_versions")
