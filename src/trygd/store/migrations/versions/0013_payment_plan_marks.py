"""Payment plan marks (what each sak's plan was made from and when it must be made again),
and leaner indexes on payment lines.

- `payment_plan_marks`: one row per sak whose plan the payments have made: the date the plan
  runs to, the first date on which it can give a new line (a payment falls due, or a payment
  parameter changes), and how many vedtak and meldekort results it was made from. A run
  plans again only the saker with no mark, a new vedtak or meldekort result, or a mark whose
  date has come (`trygd.services.payments.saker_to_plan`).
- `ix_payment_lines_due` holds only the lines still to pay (planned or held), on their due
  date: the run looks only for those, and a line leaves the index when it is ordered.
- `ix_payment_lines_order_id` holds only the lines of an order.
- `ix_payment_lines_sak_id` is dropped: `uq_payment_line` starts with the sak and serves the
  same look-ups.

Every index kept on a line is written for each line the run stores and again when it orders
the line; the unique constraints stay as they were.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('planned', 'held')")
ORDERED = sa.text("order_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "payment_plan_marks",
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), primary_key=True),
        sa.Column("planned_until", sa.Date(), nullable=False),
        sa.Column("recheck_on", sa.Date(), nullable=False),
        sa.Column("vedtak_count", sa.Integer(), nullable=False),
        sa.Column("meldekort_count", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_index("ix_payment_lines_due", table_name="payment_lines")
    op.create_index(
        "ix_payment_lines_due",
        "payment_lines",
        ["due_date"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.drop_index("ix_payment_lines_order_id", table_name="payment_lines")
    op.create_index(
        "ix_payment_lines_order_id",
        "payment_lines",
        ["order_id"],
        postgresql_where=ORDERED,
        sqlite_where=ORDERED,
    )
    op.drop_index("ix_payment_lines_sak_id", table_name="payment_lines")


def downgrade() -> None:
    op.create_index("ix_payment_lines_sak_id", "payment_lines", ["sak_id"])
    op.drop_index("ix_payment_lines_order_id", table_name="payment_lines")
    op.create_index("ix_payment_lines_order_id", "payment_lines", ["order_id"])
    op.drop_index("ix_payment_lines_due", table_name="payment_lines")
    op.create_index("ix_payment_lines_due", "payment_lines", ["status", "due_date"])
    op.drop_table("payment_plan_marks")
