"""The outcomes of any bulk recomputation, not only the G-regulering.

A `regulations` row now names the change it is the outcome of (`change`): `G` for a
G-regulering (every row before this revision), otherwise the parameters the recomputation
replaced with their new values (`trygd.rules.regulation.Change.key`). The row stays once per
sak, date and change (`uq_regulation_once`), so a corrected parameter can be recomputed from
the same date as a G-regulering, and correcting the value again is a change of its own.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 02:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("regulations") as batch:
        batch.add_column(sa.Column("change", sa.String(300), nullable=False, server_default="G"))
        batch.drop_constraint("uq_regulation_once", type_="unique")
        batch.create_unique_constraint("uq_regulation_once", ["sak_id", "g_from", "change"])
        batch.drop_index("ix_regulations_g_from")
        batch.create_index("ix_regulations_g_from", ["g_from", "change", "outcome"])


def downgrade() -> None:
    with op.batch_alter_table("regulations") as batch:
        batch.drop_index("ix_regulations_g_from")
        batch.create_index("ix_regulations_g_from", ["g_from", "outcome"])
        batch.drop_constraint("uq_regulation_once", type_="unique")
        batch.create_unique_constraint("uq_regulation_once", ["sak_id", "g_from"])
        batch.drop_column("change")
