"""Payments: payment details of persons, payment lines, runs, orders, bank statuses, the
ledger and the simulations stored with proposals.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APP_ROLE = "trygd_app"  # as in 0006; frozen here
JSONDoc = sa.JSON().with_variant(JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payment_details",
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), primary_key=True),
        sa.Column("account_number", sa.String(34)),
        sa.Column("account_source", sa.String(64)),
        sa.Column("tax_card", JSONDoc),
        sa.Column("tax_card_year", sa.Integer()),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "payment_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("run_date", sa.Date(), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(100)),
        sa.Column("lease_until", WHEN),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "payment_orders",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("message_id", sa.String(35), nullable=False, unique=True),
        sa.Column("run_id", sa.Uuid(), sa.ForeignKey("payment_runs.id"), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("total_ore", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("exported_at", WHEN),
        sa.Column("status_deadline", WHEN, nullable=False),
        sa.Column("alarm_raised_at", WHEN),
    )
    op.create_index("ix_payment_orders_run_id", "payment_orders", ["run_id"])
    op.create_table(
        "payment_lines",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("vedtak_id", sa.Uuid(), sa.ForeignKey("vedtak.id")),
        sa.Column("benefit", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("correction", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("gross_ore", sa.BigInteger(), nullable=False),
        sa.Column("tax_ore", sa.BigInteger()),
        sa.Column("net_ore", sa.BigInteger()),
        sa.Column("payee", sa.String(16), nullable=False),
        sa.Column("payee_account", sa.String(34)),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("tax_basis", sa.Text()),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("held_reason", sa.String(64)),
        sa.Column("order_id", sa.Uuid(), sa.ForeignKey("payment_orders.id")),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint(
            "sak_id", "kind", "period_start", "period_end", "correction", name="uq_payment_line"
        ),
    )
    op.create_index("ix_payment_lines_due", "payment_lines", ["status", "due_date"])
    op.create_index("ix_payment_lines_sak_id", "payment_lines", ["sak_id"])
    op.create_index("ix_payment_lines_person_id", "payment_lines", ["person_id"])
    op.create_index("ix_payment_lines_order_id", "payment_lines", ["order_id"])
    op.create_table(
        "ledger_postings",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("line_id", sa.Uuid(), sa.ForeignKey("payment_lines.id"), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("benefit", sa.String(32), nullable=False),
        sa.Column("transaction", sa.String(16), nullable=False),
        sa.Column("account", sa.String(16), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Uuid()),
        sa.Column("posted_at", WHEN, nullable=False),
    )
    op.create_index("ix_ledger_person", "ledger_postings", ["person_id", "benefit", "account"])
    op.create_index("ix_ledger_postings_line_id", "ledger_postings", ["line_id"])
    op.create_table(
        "bank_statuses",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("report_message_id", sa.String(35), nullable=False),
        sa.Column("original_message_id", sa.String(35), nullable=False),
        sa.Column("end_to_end_id", sa.String(35), nullable=False),
        sa.Column("line_id", sa.Uuid()),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("received_at", WHEN, nullable=False),
        sa.UniqueConstraint("report_message_id", "end_to_end_id", name="uq_bank_status"),
    )
    op.create_index(
        "ix_bank_statuses_original_message_id", "bank_statuses", ["original_message_id"]
    )
    op.create_index("ix_bank_statuses_line_id", "bank_statuses", ["line_id"])
    op.create_table(
        "payment_simulations",
        sa.Column("behandling_id", sa.Uuid(), sa.ForeignKey("behandlinger.id"), primary_key=True),
        sa.Column("simulation", JSONDoc, nullable=False),
        sa.Column("made_by", sa.String(64), nullable=False),
        sa.Column("made_at", WHEN, nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        role = bind.execute(sa.text(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'")).first()
        if role is not None:
            # The ledger is append-only for the application, like the audit log.
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON ledger_postings FROM {APP_ROLE}")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_postings_no_{action.lower()} BEFORE {action}"
                " ON ledger_postings BEGIN"
                " SELECT RAISE(ABORT, 'ledger postings are append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_postings_no_{action}")
    op.drop_table("payment_simulations")
    op.drop_index("ix_bank_statuses_line_id", table_name="bank_statuses")
    op.drop_index("ix_bank_statuses_original_message_id", table_name="bank_statuses")
    op.drop_table("bank_statuses")
    op.drop_index("ix_ledger_postings_line_id", table_name="ledger_postings")
    op.drop_index("ix_ledger_person", table_name="ledger_postings")
    op.drop_table("ledger_postings")
    for name in ("order_id", "person_id", "sak_id"):
        op.drop_index(f"ix_payment_lines_{name}", table_name="payment_lines")
    op.drop_index("ix_payment_lines_due", table_name="payment_lines")
    op.drop_table("payment_lines")
    op.drop_index("ix_payment_orders_run_id", table_name="payment_orders")
    op.drop_table("payment_orders")
    op.drop_table("payment_runs")
    op.drop_table("payment_details")
