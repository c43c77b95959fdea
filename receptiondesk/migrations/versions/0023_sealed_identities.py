"""Room for sealed identities: a protected person's name, ID number, phone and address are
stored sealed (``services.sealed_fields``), longer than the plain columns allowed, so those
columns become unbounded text on engines that enforce a length (SQLite does not); and two
columns of keyed hashes, which let a user without the private key tell a protected person
apart without the plaintext: ``id_hash`` (the folded ID number: repeat petitions, merging
citizens) and ``seal_marks`` (the folded name and numbers, for blotting them out of texts).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

#: (table, column, its length before)
WIDENED = [
    ("petitioners", "full_name", 120), ("petitioners", "id_number", 12),
    ("petitioners", "address", 300), ("petitioners", "phone", 20),
    ("citizens", "full_name", 120), ("citizens", "id_number", 12),
    ("citizens", "address", 300), ("citizens", "phone", 20),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table, name, _length in WIDENED:
            op.alter_column(table, name, type_=sa.Text())
    for table in ("petitioners", "citizens"):
        op.add_column(table, sa.Column("id_hash", sa.String(64), nullable=True))
        op.add_column(table, sa.Column("seal_marks", sa.Text(), nullable=False,
                                       server_default=""))
        op.create_index(f"ix_{table}_id_hash", table, ["id_hash"])


def downgrade() -> None:
    for table in ("petitioners", "citizens"):
        op.drop_index(f"ix_{table}_id_hash", table_name=table)
        # in place (SQLite 3.35+ drops a column itself): the table and its search
        # triggers stay as they are
        op.drop_column(table, "seal_marks")
        op.drop_column(table, "id_hash")
    if op.get_bind().dialect.name != "sqlite":
        for table, name, length in WIDENED:
            op.alter_column(table, name, type_=sa.String(length))
