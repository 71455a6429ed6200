"""Cheaper storage of large values on PostgreSQL: lz4 for rule results, none for files.

PostgreSQL compresses any value over about 2 kB before storing it, by default with pglz. Each
application stores its rule result twice (behandling and vedtak, about 14 kB of JSON each),
and pglz was about a sixth of the database's CPU per application; lz4 compresses about as
well at a fraction of the cost. Stored files (letters' PDFs, documents and attachments: PDF,
PNG and JPEG, compressed already) are not worth compressing again, so they are stored as they
are instead of being tried with pglz. Values stored earlier keep their compression until
they are written again. SQLite has no such settings; nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:40:00.000000
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

LZ4_COLUMNS = (("behandlinger", "assessment"), ("vedtak", "assessment"))
FILE_COLUMNS = (
    ("letters", "pdf"),
    ("application_documents", "content"),
    ("attachments", "content"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in FILE_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE EXTERNAL")
    lz4 = bind.execute(
        sa.text(
            "SELECT 1 FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
    ).first()
    if lz4 is None:  # a server built without lz4 keeps pglz
        log.warning("PostgreSQL was built without lz4: rule results stay compressed with pglz")
        return
    for table, column in LZ4_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in FILE_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE EXTENDED")
    for table, column in LZ4_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION default")
