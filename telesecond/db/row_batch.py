"""Plain INSERT rows queued in the current transaction and written together.

Use cases add append-only rows (history, audit events, outbox messages, video rooms) with
``queue``. The queue is written before the session runs its next statement, and at the
latest when the transaction commits, so a use case never reads past its own rows; a
rollback drops it. ``write_queued`` writes it at once, optionally with a SELECT that comes
back in the same statement (a booking reads the busy time around its slot that way).

PostgreSQL writes every queued row in one statement (one INSERT per table, all but the
last in data-modifying ``WITH`` clauses; foreign keys are checked at the end of the
statement), SQLite one multi-row INSERT per table, in the order the tables were first
used. The SQL is generated here once per shape (targets, columns, and on SQLite row
counts) and sent as driver SQL. On PostgreSQL each target's rows travel as one JSON
parameter; on SQLite each value passes through its column type's bind processor, as
SQLAlchemy would send it. ``bench/README.md`` says what this saves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from psycopg.types.json import Json
from sqlalchemy import Column, CompoundSelect, Select, Table, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from telesecond.extensions import db

MAX_SHAPES = 512


@dataclass(frozen=True)
class Target:
    """Where rows go: a table, and an optional clause after the rows in the syntax that
    SQLite and PostgreSQL share (ON CONFLICT …, RETURNING …)."""

    table: Table
    tail: str = ""


class RowBatch:
    """Rows for plain INSERTs, kept in the order their targets were first used.

    Every row given for one target must have the same keys (column names).
    """

    def __init__(self) -> None:
        self._rows: dict[Target, list[dict]] = {}

    def add(self, target: Target | Table, values: dict) -> None:
        key = target if isinstance(target, Target) else Target(target)
        self._rows.setdefault(key, []).append(values)

    def extend(self, target: Target | Table, rows: Iterable[dict]) -> None:
        for values in rows:
            self.add(target, values)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    def write(
        self,
        then: Select | CompoundSelect | None = None,
        params: dict | None = None,
        *,
        session: Session | None = None,
    ):
        """Write every gathered row in the session's transaction, then forget them.

        ``then``, a SELECT with named bound parameters (``params``), is run after the rows
        are written, and its rows are returned. On PostgreSQL it is the same statement as
        the rows (the final SELECT after the data-modifying ``WITH`` clauses), so it costs
        no round trip of its own; like every part of one statement it reads the database
        as it was before the statement's own rows.
        """
        session = session or db.session()
        groups = [(target, rows) for target, rows in self._rows.items() if rows]
        self._rows.clear()
        if session.connection().dialect.name == "postgresql":
            if groups or then is not None:
                result = _execute(session, groups, then, params)
                return None if then is None else result.all()
            return None
        for group in groups:  # SQLite: no INSERT in a WITH clause; in-process, one per table
            _execute(session, [group])
        return None if then is None else session.execute(then, params).all()


_QUEUE = "telesecond.queued_rows"


def queue(target: Target | Table, values: dict) -> None:
    """Queue one row for a plain INSERT in the current transaction."""
    _queue_of(db.session()).add(target, values)


def queue_all(target: Target | Table, rows: Iterable[dict]) -> None:
    """Queue rows for a plain INSERT in the current transaction."""
    _queue_of(db.session()).extend(target, rows)


def write_queued(then: Select | CompoundSelect | None = None, params: dict | None = None):
    """Write the queued rows now; with ``then`` (a SELECT), return its rows as well.

    On PostgreSQL ``then`` is the statement's final SELECT, and like every part of one
    statement it reads the database as it was before the statement's own rows.
    """
    session = db.session()
    return _queue_of(session).write(then, params, session=session)


def insert_returning_id(table: Table, values: dict) -> int:
    """Insert one row now and return its new ``id`` (the same SQL path as a batch)."""
    return _execute(db.session(), [(Target(table, "RETURNING id"), [values])]).scalar_one()


def add_with_id(table: Table, values: dict, *, drawn_id: int | None) -> int:
    """Queue a new row under an id drawn beforehand, or insert it now for a new id.

    Returns the row's id either way.
    """
    if drawn_id is None:
        return insert_returning_id(table, values)
    queue(table, {"id": drawn_id, **values})
    return drawn_id


def as_stored(model: type, values: dict, **loaded: object):
    """The ORM object for a row just written from ``values``, known to the session as
    stored, with the related objects in ``loaded`` already in place: reading it back
    needs no query. ``values`` must hold every column."""
    instance = model(**values)
    make_transient_to_detached(instance)
    db.session.add(instance)
    for name, related in loaded.items():
        set_committed_value(instance, name, related)
    return instance


def _queue_of(session: Session) -> RowBatch:
    found = session.info.get(_QUEUE)
    if found is None:
        if not session.in_transaction():
            session.begin()  # the queue lives and dies with a transaction
        found = session.info[_QUEUE] = RowBatch()
    return found


def _write_before_statement(state) -> None:
    queued = state.session.info.get(_QUEUE)
    if queued:
        queued.write(session=state.session)


def _write_before_commit(session: Session) -> None:
    queued = session.info.get(_QUEUE)
    if queued:
        session.flush()
        queued.write(session=session)


def _forget_after_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_QUEUE, None)


_hooks_installed = False


def install_session_hooks() -> None:
    """Make every session write its queued rows before a statement and at commit."""
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(Session, "do_orm_execute", _write_before_statement)
    event.listen(Session, "before_commit", _write_before_commit)
    event.listen(Session, "after_transaction_end", _forget_after_transaction)
    _hooks_installed = True


def _execute(
    session: Session,
    groups: list[tuple[Target, list[dict]]],
    then: Select | CompoundSelect | None = None,
    then_params: dict | None = None,
):
    """One statement for ``groups`` (and on PostgreSQL ``then``): its SQL from the cache.

    PostgreSQL gets each target's rows as one JSON parameter, expanded by
    ``json_populate_recordset``: the SQL is the same whatever the number of rows (the
    driver parses it once, the server prepares it once), and the values need no
    per-value adaptation. SQLite gets one parameter per value, through each column
    type's bind processor, as SQLAlchemy would send it.
    """
    for target, rows in groups:
        if any(row.keys() != rows[0].keys() for row in rows):
            raise ValueError(f"rows for {target.table.name} differ in their keys")
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        shape = tuple((target, tuple(rows[0]), 0) for target, rows in groups)
        params = {f"{_ROWS}{g}": Json(rows, dumps=_dumps) for g, (_, rows) in enumerate(groups)}
        if then is not None:
            params.update(then_params or {})
        return connection.exec_driver_sql(_sql(dialect, shape, then), params)
    shape = tuple((target, tuple(rows[0]), len(rows)) for target, rows in groups)
    values: list = []
    for (target, rows), (_, keys, _) in zip(groups, shape, strict=True):
        convert = [_processor(dialect, target.table.c[k]) for k in keys]
        for row in rows:
            for key, process in zip(keys, convert, strict=True):
                value = row[key]
                values.append(value if process is None else process(value))
    return connection.exec_driver_sql(_sql(dialect, shape), tuple(values))


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a batch row")


def _dumps(rows: object) -> str:
    return json.dumps(rows, default=_json_value, separators=(",", ":"))


@cache
def _processor(dialect: Dialect, column: Column) -> Callable | None:
    """The column type's bind processor for ``dialect`` (None: the value goes as is)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _sql(dialect: Dialect, shape: tuple, then: Select | CompoundSelect | None = None) -> str:
    key = (dialect.name, shape, then)
    found = _shapes.get(key)
    if found is None:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        found = _shapes[key] = _render(dialect, shape, then)
    return found


_shapes: dict[tuple, str] = {}


def _render(dialect: Dialect, shape: tuple, then: Select | CompoundSelect | None = None) -> str:
    """One INSERT per target; on PostgreSQL all but the last inside a WITH clause (all of
    them when ``then`` follows as the statement's final SELECT)."""
    quote = dialect.identifier_preparer.quote
    inserts = []
    for g, (target, keys, count) in enumerate(shape):
        table = quote(target.table.name)
        columns = ", ".join(quote(k) for k in keys)
        if dialect.name == "postgresql":
            source = f"json_populate_recordset(NULL::{table}, %({_ROWS}{g})s)"
            rows = f"SELECT {columns} FROM {source}"
        else:
            row = "(" + ", ".join(["?"] * len(keys)) + ")"
            rows = f"VALUES {', '.join([row] * count)}"
        inserts.append(f"INSERT INTO {table} ({columns}) {rows} {target.tail}".rstrip())
    if then is not None:  # PostgreSQL only; its bound parameters are named (pyformat)
        inserts.append(str(then.compile(dialect=dialect)))
    *first, last = inserts
    if not first:
        return last
    ctes = ", ".join(f"batch_{g} AS ({sql})" for g, sql in enumerate(first))
    return f"WITH {ctes} {last}"


# The JSON rows' parameter names (``%(batch_rows_0)s`` …), apart from any of ``then``'s.
_ROWS = "batch_rows_"
