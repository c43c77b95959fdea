"""The petitions carried over into a report's period found by an index: the last day a
petition can have been open (never over while it is open, else its closing, result or
handling date), with the day it was received.

A year's report reads the petitions received in the year (a range of
``ix_petitions_report``) and those received before it and still open at its start. The
second part was a condition joined to the first by OR, which no index answers: PostgreSQL
read the whole table (29,557 pages for the province demo) to keep a fifth of it. With
this index it reads the few thousand petitions carried over.

The expression is the text ``reports.periodic.OPEN_UNTIL_SQL`` puts in its query, written
out here because a migration never changes; both databases use an index on an expression
only for a query holding the same expression.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OPEN_UNTIL_SQL = (
    "CASE WHEN status IN ('accepted', 'classified', 'in_resolution', 'received') "
    "THEN '9999-12-31' "
    "ELSE coalesce(closed_date, result_date, handling_date, '9999-12-31') END"
)


def upgrade() -> None:
    op.execute("CREATE INDEX ix_petitions_open_until ON petitions "
               f"(({OPEN_UNTIL_SQL}), received_date)")
    if op.get_bind().dialect.name == "postgresql":
        # the planner's statistics of the expression are gathered by ANALYZE only (the
        # next automatic one may be far off on a table that changes little)
        op.execute("ANALYZE petitions")


def downgrade() -> None:
    op.execute("DROP INDEX ix_petitions_open_until")
