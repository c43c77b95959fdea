"""Custody of the sealing keys: the office's public sealing key, a key pair for each
account and for the recovery key (its private half wrapped under the password or the
recovery key, Argon2id), and the grants of the office's keys sealed to those pairs.

Revision ID: 0022
Revises: 0021

Plain CREATE TABLE only. Nothing is sealed here: the keys need a password, so they are
made at the first sign-in after the upgrade (``services.key_custody``); an existing plain
bundle-signing key stays readable until then (the first sign-in once an account that may
send bundles has its key pair seals it and blanks the plain column).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealing_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealing_keys")),
    )
    op.create_table(
        "key_holders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("kdf", sa.String(length=200), nullable=False),
        sa.Column("wrapped", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_key_holders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_holders")),
    )
    op.create_index("ix_key_holders_user", "key_holders", ["user_id"])
    op.create_table(
        "key_grants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("holder_id", sa.String(length=32), nullable=False),
        sa.Column("key_name", sa.String(length=80), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["holder_id"], ["key_holders.id"],
                                name=op.f("fk_key_grants_holder_id_key_holders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_grants")),
    )
    op.create_index("ux_key_grants_holder_key", "key_grants", ["holder_id", "key_name"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ux_key_grants_holder_key", table_name="key_grants")
    op.drop_table("key_grants")
    op.drop_index("ix_key_holders_user", table_name="key_holders")
    op.drop_table("key_holders")
    op.drop_table("sealing_keys")
