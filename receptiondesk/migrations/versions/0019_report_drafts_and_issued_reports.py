"""Periodic reports kept: drafts of the narrative with their history, and the reports
issued under a number (figures, text and PDF as issued).

Revision ID: 0019
Revises: 0015

Plain CREATE TABLE only (no batch rebuild of existing tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("unit_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _period_columns() -> list[sa.Column]:
    return [
        sa.Column("period_kind", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "issued_reports",
        sa.Column("number", sa.String(length=60), nullable=False),
        *_period_columns(),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.String(length=32), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(["replaces_id"], ["issued_reports.id"],
                                name=op.f("fk_issued_reports_replaces_id_issued_reports")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_issued_reports_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_reports")),
    )
    op.create_index(op.f("ix_issued_reports_number"), "issued_reports", ["number"])
    op.create_index(op.f("ix_issued_reports_unit_id"), "issued_reports", ["unit_id"])
    op.create_table(
        "report_drafts",
        *_period_columns(),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("saved_by", sa.String(length=60), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_report_drafts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
        sa.UniqueConstraint("unit_id", "period_kind", "period_start", "period_end",
                            name="uq_report_drafts_period"),
    )
    op.create_index(op.f("ix_report_drafts_unit_id"), "report_drafts", ["unit_id"])
    op.create_table(
        "report_draft_revisions",
        sa.Column("draft_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(length=60), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["draft_id"], ["report_drafts.id"],
                                name=op.f("fk_report_draft_revisions_draft_id_report_drafts")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_report_draft_revisions_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_draft_revisions")),
        sa.UniqueConstraint("draft_id", "revision",
                            name="uq_report_draft_revisions_draft_revision"),
    )
    op.create_index(op.f("ix_report_draft_revisions_draft_id"), "report_draft_revisions",
                    ["draft_id"])
    op.create_index(op.f("ix_report_draft_revisions_unit_id"), "report_draft_revisions",
                    ["unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_draft_revisions_unit_id"), table_name="report_draft_revisions")
    op.drop_index(op.f("ix_report_draft_revisions_draft_id"),
                  table_name="report_draft_revisions")
    op.drop_table("report_draft_revisions")
    op.drop_index(op.f("ix_report_drafts_unit_id"), table_name="report_drafts")
    op.drop_table("report_drafts")
    op.drop_index(op.f("ix_issued_reports_unit_id"), table_name="issued_reports")
    op.drop_index(op.f("ix_issued_reports_number"), table_name="issued_reports")
    op.drop_table("issued_reports")
