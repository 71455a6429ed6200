"""Tamper-evident audit: a hash chain over audit_log, and an application role on PostgreSQL.

Every audit record gets its place in a hash chain (`chain_position`, `previous_hash`,
`record_hash`; see `trygd.store.audit_chain`). Records written before this migration are
chained here in the order of their ids.

On PostgreSQL this migration, run as the database's owner, also creates the role `trygd_app`
(NOLOGIN, once per cluster) that the application acts as: it may read and write the case
tables, but only read and insert audit records (no UPDATE, DELETE or TRUNCATE), and only read
the Alembic version. Default privileges give it the same rights on tables later migrations
create. A non-superuser owner (it needs CREATEROLE) is made a member of the role, so that it
can `SET ROLE trygd_app` when the application logs in with the owner's own login.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04 16:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trygd.store import audit_chain
from trygd.store.models import AuditRecord

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

APP_ROLE = "trygd_app"  # the same name as trygd.store.database.APP_ROLE; frozen here
APPEND_ONLY_MESSAGE = "audit_log is append-only: records cannot be changed or deleted"
CHAIN_COLUMNS = ("chain_position", "previous_hash", "record_hash")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("audit_log", sa.Column("chain_position", sa.BigInteger(), nullable=True))
    op.add_column("audit_log", sa.Column("previous_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("record_hash", sa.String(length=64), nullable=True))
    _chain_existing_records(postgresql)
    if postgresql:
        for column in CHAIN_COLUMNS:
            op.alter_column("audit_log", column, nullable=False)
        op.create_unique_constraint("uq_audit_chain_position", "audit_log", ["chain_position"])
        _create_app_role()
    else:
        with op.batch_alter_table("audit_log", recreate="always") as batch:
            for column in CHAIN_COLUMNS:
                batch.alter_column(column, nullable=False)
            batch.create_unique_constraint("uq_audit_chain_position", ["chain_position"])
        _sqlite_append_only_triggers()  # rebuilding the table dropped them


def _chain_existing_records(postgresql: bool) -> None:
    """Chain the records already there, oldest id first (the append-only trigger is
    switched off for these updates only, inside this migration's transaction)."""
    bind = op.get_bind()
    table = AuditRecord.__table__
    fields = [table.c[name] for name in audit_chain.HASHED_FIELDS if name != "chain_position"]
    records = bind.execute(sa.select(table.c.id, *fields).order_by(table.c.id)).mappings().all()
    if not records:
        return
    head = audit_chain.EMPTY
    updates = []
    for record in records:
        position = head.position + 1
        digest = audit_chain.record_hash(head.hash, {**record, "chain_position": position})
        updates.append({"rid": record["id"], "p": position, "prev": head.hash, "h": digest})
        head = audit_chain.Head(position, digest)
    if postgresql:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
    bind.execute(
        sa.text(
            "UPDATE audit_log SET chain_position = :p, previous_hash = :prev, record_hash = :h"
            " WHERE id = :rid"
        ),
        updates,
    )
    if postgresql:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        op.execute(_sqlite_trigger("UPDATE"))


def _sqlite_trigger(verb: str) -> str:
    return (
        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def _sqlite_append_only_triggers() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb.lower()}")
        op.execute(_sqlite_trigger(verb))


def _schema() -> str:
    bind = op.get_bind()
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    return str(bind.dialect.identifier_preparer.quote(schema))


def _create_app_role() -> None:
    # A role belongs to the whole cluster: create it only if no other database (or a
    # concurrent migration) has made it already.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                BEGIN
                    CREATE ROLE {APP_ROLE} NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN
                    NULL;
                END;
            END IF;
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               AND NOT pg_has_role(current_user, '{APP_ROLE}', 'MEMBER') THEN
                EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
            END IF;
        END
        $$
        """
    )
    schema = _schema()
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {APP_ROLE}"
    )
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON audit_log FROM {APP_ROLE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {APP_ROLE}")
    # Tables and sequences that later migrations create (as this same owner) get the same
    # rights; a migration that adds another append-only table revokes them there.
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The role stays: other databases of the cluster may use it.
        schema = _schema()
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {APP_ROLE}"
        )
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {APP_ROLE}"
        )
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {APP_ROLE}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {APP_ROLE}")
        op.execute(f"REVOKE USAGE ON SCHEMA {schema} FROM {APP_ROLE}")
        op.drop_constraint("uq_audit_chain_position", "audit_log", type_="unique")
        for column in reversed(CHAIN_COLUMNS):
            op.drop_column("audit_log", column)
        return
    with op.batch_alter_table("audit_log", recreate="always") as batch:
        batch.drop_constraint("uq_audit_chain_position", type_="unique")
        for column in reversed(CHAIN_COLUMNS):
            batch.drop_column(column)
    _sqlite_append_only_triggers()
