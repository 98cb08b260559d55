"""Bulk INSERT and UPDATE for the import's write, without the ORM's per-row cost.

Why: bulk_create() and bulk_update() prepare every value of every object through the field
(pre_save, get_db_prep_save, …): about 100 µs per business, status change and audit event, which
made a 100,000-row import take most of a minute. Here the caller passes values already in the
database's form (adapted once where they are shared: the date, the time, the actor), and each
statement carries as many rows as the database allows. Columns the caller leaves out get their
model default, so a field added to a model later is still filled. SQL is built only from model
metadata (quoted names), never from data; values are always parameters.
"""

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model, QuerySet

# Rows per multi-row INSERT … RETURNING; the database's parameter limit may lower it.
ROWS_PER_STATEMENT = 1000


def max_parameters() -> int:
    """Parameters one statement may carry: SQLite's compiled limit (32,766 since 3.32; Django
    assumes 999), PostgreSQL's 65,535."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, sqlite3.Error):
            return connection.features.max_query_params
    return connection.features.max_query_params or 65_535


def db_value(model: type[Model], name: str, value):
    """One value in the database's form, for values shared by every row (a date, a time)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


class Inserter:
    """INSERT rows of `model` given as tuples in `fields` order (attnames, e.g. "division_id");
    every other concrete column gets its default."""

    def __init__(self, model: type[Model], fields: Sequence[str]):
        meta = model._meta
        self.fields = list(fields)
        given = set(self.fields)
        self.extra = [
            field
            for field in meta.concrete_fields
            if not field.primary_key and field.attname not in given
        ]
        quote = connection.ops.quote_name
        columns = [meta.get_field(name).column for name in self.fields]
        columns += [field.column for field in self.extra]
        self.table = quote(meta.db_table)
        self.columns = ", ".join(quote(column) for column in columns)
        self.pk_column = quote(meta.pk.column)
        self.width = len(columns)
        self.placeholders = "(" + ", ".join(["%s"] * self.width) + ")"
        # Defaults that are not callables are the same for every row: adapt them once.
        self.constant_extra = all(not callable(field.default) for field in self.extra)
        self.extra_values = tuple(self._defaults()) if self.constant_extra else None

    def _defaults(self) -> list:
        return [field.get_db_prep_save(field.get_default(), connection) for field in self.extra]

    def _complete(self, rows: Sequence[Sequence]) -> list[Sequence]:
        if not self.extra:
            return list(rows)
        if self.constant_extra:
            return [(*row, *self.extra_values) for row in rows]
        return [(*row, *self._defaults()) for row in rows]

    def insert(self, rows: Sequence[Sequence]) -> None:
        """Insert the rows; no ids come back."""
        if not rows:
            return
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {_native(self.placeholders)}"  # noqa: S608 (quoted model metadata)
        with _raw_cursor() as cursor:
            cursor.executemany(sql, self._complete(rows))

    def insert_selected(self, source: QuerySet) -> None:
        """INSERT … SELECT: the rows `source` (a values_list of `fields`, in order) selects, made
        by the database from rows it holds, with no value passing through Python. A constant
        that may be NULL needs a Cast: PostgreSQL types a bare NULL in a subquery as text."""
        sql, params = source.query.sql_with_params()
        defaults = self._defaults() if self.extra else []
        extra = "".join(", %s" for _value in defaults)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({self.columns}) "  # noqa: S608 (quoted model metadata)
                f"SELECT source.*{extra} FROM ({sql}) source",
                [*defaults, *params],  # in the order of their places
            )

    def insert_returning_ids(self, rows: Sequence[Sequence]) -> list[int]:
        """Insert the rows; their primary keys in the same order.

        SQLite: the next keys are given explicitly and the rows go in with one prepared
        statement (a multi-row INSERT of 30,000 parameters is parsed anew each time). Safe inside
        a transaction: SQLite has one writer, and the project's transactions take the write lock
        at BEGIN (IMMEDIATE); in a deferred one, a writer that committed after our read of the
        largest key makes our insert fail (SQLITE_BUSY_SNAPSHOT), never take its keys. PostgreSQL: multi-row INSERT … RETURNING (the
        sequence hands out keys to concurrent writers; the order is kept, as bulk_create relies
        on)."""
        if connection.vendor == "sqlite":
            return self._insert_numbered(rows)
        complete = self._complete(rows)
        per_statement = max(1, min(ROWS_PER_STATEMENT, max_parameters() // self.width))
        ids: list[int] = []
        placeholders = _native(self.placeholders)
        with _raw_cursor() as cursor:
            for start in range(0, len(complete), per_statement):
                batch = complete[start : start + per_statement]
                values = ", ".join([placeholders] * len(batch))
                cursor.execute(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES {values} "  # noqa: S608
                    f"RETURNING {self.pk_column}",
                    [value for row in batch for value in row],
                )
                ids.extend(row[0] for row in cursor.fetchall())
        return ids

    def _insert_numbered(self, rows: Sequence[Sequence]) -> list[int]:
        if not connection.in_atomic_block:
            raise RuntimeError("numbered inserts need the write transaction")
        if not rows:
            return []
        with _raw_cursor() as cursor:
            # AUTOINCREMENT never reuses a key: start above the largest ever handed out.
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({self.pk_column}) FROM {self.table}), 0), "  # noqa: S608
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
                [self.table.strip('"')],
            )
            first = cursor.fetchone()[0] + 1
            ids = list(range(first, first + len(rows)))
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.pk_column}, {self.columns}) "  # noqa: S608
                f"VALUES (?, {_native(self.placeholders)[1:]}",
                [(pk, *row) for pk, row in zip(ids, self._complete(rows), strict=True)],
            )
        return ids


@contextmanager
def large_write_cache(mebibytes: int = 128):
    """SQLite: a larger page cache for the connection while one transaction writes many rows
    into several indexes (the default 2 MiB spills pages to the log mid-transaction); restored
    after. Nothing elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    with _raw_cursor() as cursor:
        previous = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(mebibytes)}")
    try:
        yield
    finally:
        with _raw_cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _native(placeholders: str) -> str:
    """The driver's own parameter style: SQLite's "?", psycopg's "%s"."""
    return placeholders.replace("%s", "?") if connection.vendor == "sqlite" else placeholders


@contextmanager
def _raw_cursor():
    """The driver's cursor on Django's connection (so inside its transaction), without Django's
    per-statement work: rewriting "%s" in a statement of 30,000 parameters, and query logging.
    Values must already be in the database's form (db_value)."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        with connection.wrap_database_errors:  # the driver's errors as Django's (IntegrityError)
            yield cursor
    finally:
        cursor.close()


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE … SET fields WHERE pk, one parameter set per row: (values in `fields` order…, pk)."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in fields)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted metadata)
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def json_adapter() -> Callable[[object], object]:
    """A function giving a JSONField's value in the database's form: the JSON text for SQLite,
    the driver's JSON wrapper for PostgreSQL, both written by one prepared encoder (an import
    encodes 200,000 of them). Looked up once per batch: the connection proxy costs microseconds
    a call."""
    if connection.vendor == "sqlite":
        return json_text
    from psycopg.types.json import Jsonb

    return lambda value: Jsonb(value, dumps=json_text)


def json_text_adapter() -> Callable[[str], object]:
    """As json_adapter, for values that are JSON text already (events.json_object_texts)."""
    if connection.vendor == "sqlite":
        return str
    from psycopg.types.json import Jsonb

    return lambda text: Jsonb(text, dumps=str)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _prepared_encoder() -> Callable[[object], str]:
    """_JSON.encode without building an encoder on every call, which json's own API does (and
    which took half the time of encoding an audit event). json's C encoder where there is one,
    with _JSON's settings; no check for circular references: the values are fresh dicts."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _JSON.encode
    settings = (_JSON.indent, _JSON.key_separator, _JSON.item_separator)
    encode = make(
        None, _JSON.default, json.encoder.encode_basestring, *settings, False, False, True
    )
    return lambda value: "".join(encode(value, 0))


json_text = _prepared_encoder()
