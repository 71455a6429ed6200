"""One claim in process per sak and one open klage per vedtak, enforced by the database.

Two partial unique indexes on `behandlinger`:

* `uq_behandlinger_open_per_sak`: at most one open behandling (received, assessing, waiting
  for information, proposed, approved) of the ordinary kinds (not klage) per sak;
* `uq_behandlinger_open_klage_per_vedtak`: at most one klage per vedtak in any state but
  closed (a klage's behandling points to the vedtak it appeals with `revises_vedtak_id`).

Together with the row lock on the sak that claim-changing use cases take
(`trygd.services.claims`), no race can give a person two open claims or two open klager. A
database that already holds such duplicates (made before this rule) cannot get the index: the
upgrade stops and names how many, so that a caseworker can close the extra ones first; it
never closes anything by itself.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN_BEHANDLING = (
    "kind <> 'klage' AND state IN "
    "('approved', 'assessing', 'proposed', 'received', 'waiting_for_information')"
)
OPEN_KLAGE = "kind = 'klage' AND state <> 'closed'"
INDEXES = (
    ("uq_behandlinger_open_per_sak", "sak_id", OPEN_BEHANDLING, "saker with two open behandlinger"),
    (
        "uq_behandlinger_open_klage_per_vedtak",
        "revises_vedtak_id",
        OPEN_KLAGE,
        "vedtak with two open klager",
    ),
)


def upgrade() -> None:
    bind = op.get_bind()
    for name, column, where, what in INDEXES:
        duplicates = bind.execute(
            sa.text(
                f"SELECT count(*) FROM (SELECT {column} FROM behandlinger WHERE {where}"
                f" GROUP BY {column} HAVING count(*) > 1) AS twice"
            )
        ).scalar_one()
        if duplicates:
            raise RuntimeError(
                f"migration 0005 cannot add {name}: the database has {duplicates} {what}; "
                "close the extra ones (they were made before this rule) and upgrade again"
            )
        op.create_index(
            name,
            "behandlinger",
            [column],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _column, _where, _what in INDEXES:
        op.drop_index(name, table_name="behandlinger")
