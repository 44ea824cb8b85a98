"""Shared pieces of the benchmarks: throwaway databases, the app, gunicorn, statistics.

Only loopback traffic: SQLite files in a temporary folder, PostgreSQL at 127.0.0.1:5432
(trust auth, user ``postgres``; override with ``BENCH_PG_ADMIN_URL``), gunicorn on
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

from tests.support.gunicorn import Gunicorn, app_env  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")

__all__ = ["BACKENDS", "Gunicorn", "ROOT", "app_env", "bench_app", "temp_database"]


def backends_from_arg(value: str) -> list[str]:
    """``sqlite``, ``postgresql`` or ``both`` as a list of backends."""
    return list(BACKENDS) if value == "both" else [value]


def _pg_admin():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _drop_pg(name: str) -> None:
    engine = _pg_admin()
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextlib.contextmanager
def temp_database(backend: str, name: str) -> Iterator[tuple[str, Path]]:
    """A fresh, empty database and a scratch folder; both removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp_name:
        tmp = Path(tmp_name)
        if backend == "sqlite":
            yield f"sqlite:///{tmp / f'{name}.db'}", tmp
            return
        _drop_pg(name)
        engine = _pg_admin()
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
        try:
            yield f"{base}/{name}", tmp
        finally:
            _drop_pg(name)


def bench_app(database_url: str, tmp: Path):
    """The app on ``database_url`` with the server's settings, migrated to head."""
    from flask_migrate import upgrade

    from telesecond import create_app

    app = create_app(dict(app_env(database_url, tmp)))
    with app.app_context():
        upgrade()
    # Alembic's fileConfig turns on INFO logging; keep the figures readable.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


class StatementCounter:
    """Count the SQL statements an engine sends while the block runs (diagnostics)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.kinds: dict[str, int] = {}

    def _count(self, conn, cursor, statement, *args) -> None:  # noqa: ARG002
        kind = statement.split(None, 1)[0].upper()
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (other work skews wall times)."""
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> float:
    """Seconds as milliseconds rounded to 0.01."""
    return round(seconds * 1000, 2)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time used so far by the given processes (0 for vanished ones)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def children_of(pid: int) -> list[int]:
    """Direct child process ids (gunicorn's workers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def pg_backend_pids(database_url: str) -> list[int]:
    """PostgreSQL server processes connected to this benchmark's database (not others')."""
    if not database_url.startswith("postgresql"):
        return []
    name = database_url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )
            return [r[0] for r in rows]
    finally:
        engine.dispose()


class CpuMeter:
    """CPU seconds spent by the server workers, PostgreSQL and this process over a span.

    PostgreSQL is the backends serving ``database_url`` when the span starts (the app's
    pooled connections, so warm up first); other databases' work is not counted.
    """

    def __init__(self, server: Gunicorn, database_url: str = "") -> None:
        self.workers = children_of(server.process.pid)
        self.pg = pg_backend_pids(database_url)

    def __enter__(self) -> CpuMeter:
        self._start = self._sample()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        end = self._sample()
        self.wall = time.perf_counter() - self._wall
        self.used = {k: end[k] - self._start[k] for k in end}

    def _sample(self) -> dict[str, float]:
        return {
            "workers": cpu_seconds(self.workers),
            "postgres": cpu_seconds(self.pg),
            "client": time.process_time(),
        }

    def per_op_ms(self, count: int) -> dict[str, float]:
        """CPU milliseconds per operation, by process group."""
        return {k: round(v * 1000 / count, 2) for k, v in self.used.items()}
