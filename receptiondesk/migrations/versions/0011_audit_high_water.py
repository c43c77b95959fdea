"""The audit log's high-water mark on PostgreSQL: the highest entry number ever written,
kept by a trigger in the same transaction as the entry, so that ``db check`` sees entries
cut from the end of the log (SQLite keeps the same number itself, in sqlite_sequence).

Revision ID: 0011
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE audit_high_water (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "seq INTEGER NOT NULL)")
    op.execute("INSERT INTO audit_high_water (id, seq) "
               "SELECT 1, coalesce(max(seq), 0) FROM audit_entries")
    op.execute(
        """CREATE FUNCTION audit_entries_high_water() RETURNS trigger AS $$
        BEGIN
            UPDATE audit_high_water SET seq = greatest(seq, NEW.seq) WHERE id = 1;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER audit_entries_high_water AFTER INSERT ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_high_water()"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_entries_high_water ON audit_entries")
    op.execute("DROP FUNCTION IF EXISTS audit_entries_high_water()")
    op.execute("DROP TABLE IF EXISTS audit_high_water")
