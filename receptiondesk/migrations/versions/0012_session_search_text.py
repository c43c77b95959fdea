"""Reception sessions in the search index, the index told apart by kind, and the lists'
date order in indexes: every list searches through the same index, a page at a time.

* ``reception_sessions.search_text``: the folded reference, place, presiding official
  and notes (services/indexing.py), as citizens, visits and petitions have; filled here
  for the sessions already recorded. The sessions list matched its own text with a fold
  computed row by row over every session (on SQLite a Python function, on PostgreSQL no
  folding at all, so "nguyen" did not find "Nguyễn"): about 2.3 s a keystroke on the
  province demo.
* SQLite: the FTS5 table is made again with ``kind`` indexed (it was UNINDEXED, so a
  list could only tell its own rows from the others by reading each match's stored row:
  "nguyen v" matches 57,000 rows of all kinds), with a ``session`` row for each session,
  kept by triggers as the other kinds' rows are. Rowids are kept, so ``search_rows``
  stays valid. PostgreSQL: a pg_trgm GIN index over ``' ' || search_text`` answers the
  word-prefix match, as for the other tables (migration 0001).
* ``ix_sessions_date`` and ``ix_visits_date``: the sessions and visits lists (newest
  first) read these in order and stop after a page, as the petitions list does.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from receptiondesk.services.indexing import session_search_text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "reception_sessions"
BATCH = 5000
SEARCHED_BEFORE = {"citizens": "citizen", "visits": "visit", "petitions": "petition"}
ALL_SEARCHED = {**SEARCHED_BEFORE, TABLE: "session"}


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(TABLE, sa.Column("search_text", sa.Text(), nullable=False,
                                   server_default=""))
    _fill(bind)
    if bind.dialect.name == "postgresql":
        op.alter_column(TABLE, "search_text", server_default=None)
        op.execute(f"CREATE INDEX ix_{TABLE}_search_trgm ON {TABLE} "
                   "USING gin ((' ' || search_text) gin_trgm_ops)")
        op.execute(f"ANALYZE {TABLE}")
    elif bind.dialect.name == "sqlite":
        _rebuild_on_sqlite(ALL_SEARCHED, kind_indexed=True)
    # the lists' order (newest first), read from an index a page at a time
    op.create_index("ix_sessions_date", TABLE, ["session_date"])
    op.create_index("ix_visits_date", "visits", ["visit_date", "created_at", "seq"])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS ix_{TABLE}_search_trgm")
    elif bind.dialect.name == "sqlite":
        _rebuild_on_sqlite(SEARCHED_BEFORE, kind_indexed=False)
    op.drop_index("ix_visits_date", table_name="visits")
    op.drop_index("ix_sessions_date", table_name=TABLE)
    if bind.dialect.name == "sqlite":
        # in place (SQLite 3.35+): a batch copy of the table would trip the visits' key
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN search_text")
    else:
        op.drop_column(TABLE, "search_text")


def _fill(bind) -> None:
    """Fold every session's text in Python (the fold is Vietnamese-aware: services/text)."""
    sessions = sa.table(TABLE, sa.column("id"), sa.column("ref"), sa.column("place"),
                        sa.column("presiding_name"), sa.column("notes"),
                        sa.column("search_text"))
    rows = bind.execute(sa.select(sessions.c.id, sessions.c.ref, sessions.c.place,
                                  sessions.c.presiding_name, sessions.c.notes)).all()
    update = (sa.update(sessions).where(sessions.c.id == sa.bindparam("b_id"))
              .values(search_text=sa.bindparam("b_text")))
    values = [{"b_id": r.id, "b_text": session_search_text(r.ref, r.place, r.presiding_name,
                                                           r.notes)} for r in rows]
    values = [v for v in values if v["b_text"]]
    for start in range(0, len(values), BATCH):
        bind.execute(update, values[start:start + BATCH])


def _rebuild_on_sqlite(searched: dict[str, str], *, kind_indexed: bool) -> None:
    """The FTS5 table made again with ``kind`` indexed or not, holding the rows of
    ``searched`` tables only (their rowids kept, so ``search_rows`` stays valid; a table
    new to it gets rows numbered after them), and the triggers that keep them."""
    known = ", ".join(f"'{k}'" for k in searched.values())
    op.execute(
        "CREATE TEMP TABLE search_copy AS SELECT rowid AS rid, body, kind, record_id, "
        f"unit_id FROM search_index WHERE kind IN ({known})"
    )
    op.execute("DELETE FROM search_rows WHERE fts_rowid NOT IN (SELECT rid FROM search_copy)")
    for table in ALL_SEARCHED:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{action}")
    op.execute("DROP TABLE search_index")
    kind = "kind" if kind_indexed else "kind UNINDEXED"
    op.execute(
        f"CREATE VIRTUAL TABLE search_index USING fts5(body, {kind}, record_id UNINDEXED, "
        "unit_id UNINDEXED, prefix='1 2 3')"
    )
    op.execute(
        "INSERT INTO search_index(search_index, rank) VALUES ('automerge', 0)"
    )
    op.execute(
        "INSERT INTO search_index(rowid, body, kind, record_id, unit_id) "
        "SELECT rid, body, kind, record_id, unit_id FROM search_copy ORDER BY rid"
    )
    for table, kind_name in searched.items():
        # a table not in the index yet (the sessions, on the way up)
        op.execute(
            "CREATE TEMP TABLE new_rows AS SELECT t.id AS id, t.unit_id AS unit_id, "
            "t.search_text AS body, (SELECT coalesce(max(rid), 0) FROM search_copy) "
            f"+ row_number() OVER (ORDER BY t.rowid) AS rid FROM {table} t "
            "WHERE t.id NOT IN (SELECT record_id FROM search_rows)"
        )
        op.execute(
            f"INSERT INTO search_index(rowid, body, kind, record_id, unit_id) "
            f"SELECT rid, body, '{kind_name}', id, unit_id FROM new_rows ORDER BY rid"
        )
        op.execute("INSERT INTO search_rows(record_id, fts_rowid) SELECT id, rid FROM new_rows")
        op.execute("INSERT INTO search_copy(rid) SELECT rid FROM new_rows")
        op.execute("DROP TABLE new_rows")
    op.execute("DROP TABLE search_copy")
    op.execute("INSERT INTO search_index(search_index) VALUES ('optimize')")
    op.execute("INSERT INTO search_index(search_index, rank) VALUES ('automerge', 4)")
    for table, kind_name in searched.items():
        op.execute(
            f"""CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO search_index(body, kind, record_id, unit_id)
                VALUES (new.search_text, '{kind_name}', new.id, new.unit_id);
                INSERT INTO search_rows(record_id, fts_rowid) VALUES (new.id, last_insert_rowid());
            END"""
        )
        op.execute(
            f"""CREATE TRIGGER {table}_search_update AFTER UPDATE OF search_text ON {table}
            BEGIN
                UPDATE search_index SET body = new.search_text
                WHERE rowid = (SELECT fts_rowid FROM search_rows WHERE record_id = new.id);
            END"""
        )
        op.execute(
            f"""CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN
                DELETE FROM search_index
                WHERE rowid = (SELECT fts_rowid FROM search_rows WHERE record_id = old.id);
                DELETE FROM search_rows WHERE record_id = old.id;
            END"""
        )
