"""Writing many rows at once: COPY on PostgreSQL, executemany on SQLite.

A payment run writes hundreds of thousands of rows (payment lines, ledger postings, audit
records) and changes the status of as many lines. Sent one statement per row, even pipelined,
each row costs a parse-free but full round of the executor on the server and the statement's
parameters on the client; PostgreSQL's binary COPY takes the rows as one stream. An UPDATE
or an INSERT ... ON CONFLICT cannot be a COPY, so those rows are copied into a temporary
table first and applied with one statement (`UPDATE ... FROM`, `INSERT ... SELECT`).

SQLite runs in this process: there executemany is already one prepared statement in a loop.

All functions run on the caller's connection, inside its transaction: the rows are written
with everything else the use case does, or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from psycopg.types.json import Jsonb
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    insert,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeEngine

Row = Mapping[str, Any]


def among(dialect: str, column: Any, values: Sequence[Any]) -> Any:
    """`column IN (values)` for a long list of values (a batch of ids): on PostgreSQL
    `column = ANY(array)`, one parameter instead of one per value (with thousands of values,
    writing and parsing the placeholders cost more than the query), and between the least
    and the greatest value: a batch of ids taken in order is a narrow range of the index,
    which PostgreSQL then reads instead of the whole table (for 2 000 of 100 000 ids it
    chose a sequential scan, two to five times slower)."""
    values = list(values)
    if dialect == "postgresql" and values:
        column_type = column.type
        return and_(
            column == any_(bindparam(None, values, type_=ARRAY(column_type))),
            column.between(min(values), max(values)),
        )
    return column.in_(values)


def _binary_type(column_type: TypeEngine[Any]) -> str:
    """The PostgreSQL type name whose binary form COPY reads for a column of this type."""
    if isinstance(column_type, Uuid):
        return "uuid"
    if isinstance(column_type, BigInteger):
        return "int8"
    if isinstance(column_type, Integer):
        return "int4"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, DateTime):
        return "timestamptz" if column_type.timezone else "timestamp"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, String | Text):
        return "text"  # varchar takes the same binary form as text
    if isinstance(column_type, JSON):
        return "jsonb"  # the JSON columns are JSONB on PostgreSQL (`models.JSONDoc`)
    raise TypeError(f"no binary COPY form for {column_type!r}")


def _copy(
    connection: Connection,
    table_name: str,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    types = [_binary_type(table.c[name].type) for name in columns]
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    documents = [index for index, kind in enumerate(types) if kind == "jsonb"]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table_name} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            if documents:
                row = list(row)
                for index in documents:
                    row[index] = _document(row[index])
            copy.write_row(row)


def _document(value: Any) -> Any:
    """A JSON column's value for COPY: JSON already written (`JsonText`) as it is,
    anything else written with orjson (the JSON the column would hold either way)."""
    if value is None:
        return None
    if isinstance(value, JsonText):
        return Jsonb(value.text, dumps=_as_is)
    return Jsonb(value, dumps=orjson.dumps)


def _as_is(text: str | bytes) -> str | bytes:
    return text


class JsonText:
    """A JSON document already written as text (read from another row with `::text`, or
    made with orjson): COPY passes it on without reading it. On SQLite it is read back into
    a value, as the JSON column type wants one."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes) -> None:
        self.text = text

    def value(self) -> Any:
        return orjson.loads(self.text)


def _postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def insert_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` (all with the same keys); columns left out take their defaults."""
    if rows:
        columns = list(rows[0])
        insert_values(connection, table, columns, [[row[c] for c in columns] for row in rows])


def insert_values(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows`, each the values of `columns` in that order."""
    if not rows:
        return
    if not _postgresql(connection):
        connection.execute(
            insert(table),
            [
                {
                    name: value.value() if isinstance(value, JsonText) else value
                    for name, value in zip(columns, row, strict=True)
                }
                for row in rows
            ],
        )
        return
    _copy(connection, _name(connection, table), table, columns, rows)


def _name(connection: Connection, table: Table) -> str:
    return connection.dialect.identifier_preparer.format_table(table)


def _staged(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Row]
) -> str:
    """Copy the rows into a new temporary table with the same column types; its name."""
    staging = f"staged_{uuid.uuid4().hex[:16]}"
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {names} FROM {_name(connection, table)} WITH NO DATA"
    )
    _copy(connection, staging, table, columns, ([row[c] for c in columns] for row in rows))
    return staging


def insert_new_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows`, leaving out each one that conflicts with a stored row on a primary key
    or unique constraint (INSERT ... ON CONFLICT DO NOTHING): two writers at once store each
    row once."""
    if not rows:
        return
    if not _postgresql(connection):
        from sqlalchemy.dialects import sqlite

        connection.execute(sqlite.insert(table).on_conflict_do_nothing(), list(rows))
        return
    columns = list(rows[0])
    staging = _staged(connection, table, columns, rows)
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {_name(connection, table)} ({names}) SELECT {names} FROM {staging} "
        "ON CONFLICT DO NOTHING"
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")


def upsert_rows(connection: Connection, table: Table, key: str, rows: Sequence[Row]) -> None:
    """Insert `rows`, or where a row with the same `key` (the primary key) exists, replace
    its other columns with the row's."""
    if not rows:
        return
    columns = list(rows[0])
    others = [name for name in columns if name != key]
    if not _postgresql(connection):
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={name: statement.excluded[name] for name in others}
        )
        connection.execute(statement, list(rows))
        return
    staging = _staged(connection, table, columns, rows)
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    changes = ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in others)
    connection.exec_driver_sql(
        f"INSERT INTO {_name(connection, table)} ({names}) SELECT {names} FROM {staging} "
        f"ON CONFLICT ({quote(key)}) DO UPDATE SET {changes}"
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")


def update_rows(connection: Connection, table: Table, key: str, rows: Sequence[Row]) -> int:
    """Set the other columns of each row (all rows with the same keys) on the stored row with
    the same `key`; returns how many rows were changed."""
    if not rows:
        return 0
    columns = list(rows[0])
    others = [name for name in columns if name != key]
    if not _postgresql(connection):
        statement = (
            update(table)
            .where(table.c[key] == bindparam(f"b_{key}"))
            .values({name: bindparam(f"b_{name}") for name in others})
        )
        renamed = [{f"b_{name}": value for name, value in row.items()} for row in rows]
        return int(connection.execute(statement, renamed).rowcount)
    staging = _staged(connection, table, columns, rows)
    quote = connection.dialect.identifier_preparer.quote
    changes = ", ".join(f"{quote(name)} = s.{quote(name)}" for name in others)
    result = connection.exec_driver_sql(
        f"UPDATE {_name(connection, table)} AS t SET {changes} FROM {staging} AS s "
        f"WHERE t.{quote(key)} = s.{quote(key)}"
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")
    return int(result.rowcount)
