"""Indexes for the petition list's sorts (received date, next due date).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX: a batch (table rebuild) would drop the search-index triggers.
    op.create_index("ix_petitions_received_id", "petitions", ["received_date", "id"])
    op.create_index("ix_petitions_due_id", "petitions", ["next_due_date", "id"])


def downgrade() -> None:
    op.drop_index("ix_petitions_due_id", table_name="petitions")
    op.drop_index("ix_petitions_received_id", table_name="petitions")
