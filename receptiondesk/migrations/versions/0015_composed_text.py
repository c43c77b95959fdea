"""Stored text in composed form (NFC).

Revision ID: 0015
Revises: 0014

Text typed with a legacy Windows keyboard (Unikey's "Unicode tổ hợp", VNI) was stored as
typed: a Vietnamese letter as its base letter and combining marks. From this version every
text is stored composed (``receptiondesk.text.nfc``); this step composes what is already
stored, in every table's text columns, a thousand rows at a time, touching only the rows
that change. Left as written: the audit log and the printed versions of minutes, whose
hashes cover their text (``model.base.COMPOSED_EXEMPT``), and the tables of the migration
tool. The search columns are folded without accents, so the same either way: nothing of
the search index changes.

Nothing to undo: the composed text is the same text.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: written out here so that this step never changes once released
SKIPPED = frozenset({"audit_entries", "minutes_versions", "alembic_version"})
BATCH = 1000


def _composed(value: object) -> object:
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


def _compose_table(bind, inspector, name: str) -> None:
    columns = inspector.get_columns(name)
    texts = [c["name"] for c in columns if isinstance(c["type"], sa.String)]
    keys = inspector.get_pk_constraint(name).get("constrained_columns") or []
    if not texts or not keys:
        return
    table = sa.table(name, *(sa.column(c) for c in {*keys, *texts}))
    where = sa.and_(*(table.c[k] == sa.bindparam(f"k_{k}") for k in keys))
    update = table.update().where(where).values(
        {c: sa.bindparam(f"v_{c}") for c in texts})
    for rows in _pages(bind, table, keys, texts):
        changed = []
        for row in rows:
            values = {c: _composed(row[c]) for c in texts}
            if any(values[c] is not row[c] for c in texts):
                changed.append({**{f"k_{k}": row[k] for k in keys},
                                **{f"v_{c}": v for c, v in values.items()}})
        if changed:
            bind.execute(update, changed)


def _pages(bind, table, keys: list[str], texts: list[str]):
    """The rows a page at a time, by their key (memory stays a page's, and no cursor is
    open on a table while it is written); a table keyed on several columns is small (the
    links between records) and read whole."""
    query = sa.select(*(table.c[c] for c in keys + texts))
    if len(keys) > 1:
        yield bind.execute(query).mappings().fetchall()
        return
    key = table.c[keys[0]]
    last = None
    while True:
        page = query.order_by(key).limit(BATCH)
        if last is not None:
            page = page.where(key > last)
        rows = bind.execute(page).mappings().fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][keys[0]]


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for name in inspector.get_table_names():
        if name in SKIPPED or name.startswith(("sqlite_", "search_index")):
            continue
        _compose_table(bind, inspector, name)


def downgrade() -> None:
    pass  # the composed text is the same text
