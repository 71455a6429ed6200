"""A klage against a tilbakekreving vedtak, with one open klage per such vedtak.

A tilbakekreving's vedtak lives on its own row (`tilbakekrevinger`), not in `vedtak`, so a
klage against it could not be registered. Now:

* `klager.tilbakekreving_id`: the tilbakekreving whose vedtak the klage appeals;
  `klager.vedtak_id` may be empty, and `ck_klager_appeals_one_decision` requires exactly one
  of the two;
* `behandlinger.revises_tilbakekreving_id`: the klage's behandling points to the
  tilbakekreving it appeals (as `revises_vedtak_id` points to an ordinary vedtak; no foreign
  key for the same reason: `tilbakekrevinger` already points to `behandlinger`);
* `uq_behandlinger_open_klage_per_tilbakekreving`: at most one klage per tilbakekreving
  vedtak in any state but closed, the same rule migration 0005 gives ordinary vedtak. No
  klage against a tilbakekreving existed before, so the index cannot meet duplicates.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OPEN_KLAGE = sa.text("kind = 'klage' AND state <> 'closed'")
ONE_DECISION = "(vedtak_id IS NULL) <> (tilbakekreving_id IS NULL)"


def upgrade() -> None:
    bind = op.get_bind()
    with _rebuilding(bind), op.batch_alter_table("klager") as batch:
        batch.add_column(sa.Column("tilbakekreving_id", sa.Uuid(), nullable=True))
        batch.alter_column("vedtak_id", existing_type=sa.Uuid(), nullable=True)
        batch.create_foreign_key(
            "fk_klager_tilbakekreving_id", "tilbakekrevinger", ["tilbakekreving_id"], ["id"]
        )
        batch.create_index("ix_klager_tilbakekreving_id", ["tilbakekreving_id"])
        batch.create_check_constraint("ck_klager_appeals_one_decision", sa.text(ONE_DECISION))
    op.add_column("behandlinger", sa.Column("revises_tilbakekreving_id", sa.Uuid(), nullable=True))
    op.create_index(
        "uq_behandlinger_open_klage_per_tilbakekreving",
        "behandlinger",
        ["revises_tilbakekreving_id"],
        unique=True,
        sqlite_where=OPEN_KLAGE,
        postgresql_where=OPEN_KLAGE,
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("uq_behandlinger_open_klage_per_tilbakekreving", table_name="behandlinger")
    op.drop_column("behandlinger", "revises_tilbakekreving_id")
    # A klage against a tilbakekreving has no place in the old schema: refuse rather than lose it.
    appealed = bind.execute(
        sa.text("SELECT count(*) FROM klager WHERE tilbakekreving_id IS NOT NULL")
    ).scalar_one()
    if appealed:
        raise RuntimeError(
            f"migration 0018 cannot be undone: {appealed} klager appeal a tilbakekreving"
        )
    with _rebuilding(bind), op.batch_alter_table("klager") as batch:
        batch.drop_constraint("ck_klager_appeals_one_decision", type_="check")
        batch.drop_index("ix_klager_tilbakekreving_id")
        batch.drop_constraint("fk_klager_tilbakekreving_id", type_="foreignkey")
        batch.drop_column("tilbakekreving_id")
        batch.alter_column("vedtak_id", existing_type=sa.Uuid(), nullable=False)


@contextlib.contextmanager
def _rebuilding(bind: Any) -> Iterator[None]:
    """SQLite changes `klager` by rebuilding it, with foreign keys off as SQLite prescribes
    (so that dropping the old table does not count its attachments and anker as broken
    links), and checks every link before they are on again (as migration 0008 does).
    PostgreSQL alters the table in place."""
    if bind.dialect.name != "sqlite":
        yield
        return
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys = OFF")
    op.execute("BEGIN IMMEDIATE")
    yield
    broken = bind.execute(sa.text("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"migration 0018 would break links: {broken[:5]}")
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys = ON")
    op.execute("BEGIN IMMEDIATE")
