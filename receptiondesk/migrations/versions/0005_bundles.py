"""Signed offline bundles: this office's key, the keys registered for the offices that
send bundles, the version last received of each record, and merge conflicts.

Revision ID: 0005
Revises: 0004

Plain CREATE TABLE only (no batch rebuild of existing tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_export_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_office_keys_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_keys")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_office_keys_unit_id")),
    )
    op.create_table(
        "registered_office_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=32), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_office_keys")),
        sa.UniqueConstraint("unit_code", name=op.f("uq_registered_office_keys_unit_code")),
    )
    op.create_table(
        "bundle_records",
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_kind", "record_id", name=op.f("pk_bundle_records")),
    )
    op.create_table(
        "bundle_conflicts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=32), nullable=True),
        sa.Column("sender_code", sa.String(length=40), nullable=False),
        sa.Column("mine", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=60), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_conflicts")),
    )
    op.create_index(
        "ix_bundle_conflicts_record", "bundle_conflicts", ["record_kind", "record_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_bundle_conflicts_record", table_name="bundle_conflicts")
    op.drop_table("bundle_conflicts")
    op.drop_table("bundle_records")
    op.drop_table("registered_office_keys")
    op.drop_table("office_keys")
