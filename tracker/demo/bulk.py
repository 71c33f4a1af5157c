"""Fast inserts of many rows with ids chosen by the caller, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Table, func, insert, select, text

from tracker.extensions import db


def next_id(table: Table) -> int:
    """The first id after those already in a table."""
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_rows(table: Table, columns: Sequence[str], rows: list[tuple], *, copy: bool = False) -> None:
    """Insert rows given as tuples in `columns` order, inside the session's transaction.

    With `copy` (for tables of plain columns: no JSON), the driver takes them directly, with
    the values converted by the column types: PostgreSQL through COPY, the fastest way in,
    SQLite through one executemany of a prepared statement. Otherwise SQLAlchemy's
    executemany inserts them.
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect.name
    if not copy or dialect not in ("postgresql", "sqlite"):
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    # The driver gets the values as they are, so convert them with the column types first.
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in columns]
    if any(processors):
        rows = [tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in rows]
    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    if dialect == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)


def reset_sequences(tables: Sequence[Table]) -> None:
    """Move PostgreSQL id sequences past ids that were inserted explicitly."""
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
        ))


class RowBuffer:
    """Collects rows of several tables and writes them, parents first, every `chunk` rows."""

    def __init__(self, tables: Sequence[tuple[Table, Sequence[str]]], chunk: int,
                 on_flush: Callable[[dict[str, int]], None] | None = None) -> None:
        self._tables = list(tables)
        self._rows: dict[str, list[tuple]] = {table.name: [] for table, _ in self._tables}
        self._pending = 0
        self._chunk = chunk
        self._on_flush = on_flush
        self.written = {table.name: 0 for table, _ in self._tables}

    def add(self, table: str, row: tuple) -> None:
        """Queue one row; writes everything queued once a chunk is full."""
        self._rows[table].append(row)
        self._pending += 1
        if self._pending >= self._chunk:
            self.flush()

    def flush(self) -> None:
        """Write every queued row, parents first so that foreign keys hold."""
        for table, columns in self._tables:
            rows = self._rows[table.name]
            insert_rows(table, columns, rows, copy=True)
            self.written[table.name] += len(rows)
            rows.clear()
        self._pending = 0
        if self._on_flush is not None:
            self._on_flush(self.written)
