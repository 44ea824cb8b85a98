"""psycopg under gevent waits through the hub (telesecond.server.gevent_psycopg)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.gunicorn import ROOT

NAP = 0.4
SCRIPT = textwrap.dedent(
    f"""
    from gevent import monkey

    monkey.patch_all()

    import json, sys, time

    import gevent
    import psycopg
    from psycopg import waiting

    from telesecond.server.gevent_psycopg import install

    url = sys.argv[1]
    plain = waiting.wait
    installed = install()

    def nap(i):
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT %s::int, pg_sleep({NAP})", (i,)).fetchone()[0]

    begin = time.perf_counter()
    naps = [gevent.spawn(nap, i) for i in range(5)]
    gevent.joinall(naps, raise_error=True)
    elapsed = time.perf_counter() - begin
    with psycopg.connect(url) as conn:
        length = conn.execute("SELECT length(%s)", ("x" * 3_000_000,)).fetchone()[0]
        try:
            conn.execute("SELECT 1 / 0")
            error = None
        except psycopg.errors.DivisionByZero as exc:
            error = type(exc).__name__
    print(json.dumps({{
        "installed": installed,
        "replaced": waiting.wait is not plain,
        "values": sorted(g.value for g in naps),
        "elapsed": elapsed,
        "length": length,
        "error": error,
    }}))
    """
)


@pytest.mark.postgres_only
def test_queries_of_many_greenlets_wait_side_by_side_through_the_hub(database_url):
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["installed"] and found["replaced"]
    assert found["values"] == [0, 1, 2, 3, 4]
    # Five naps one after another would take 5 x NAP; waiting side by side, about one.
    assert found["elapsed"] < 3 * NAP, found
    assert found["length"] == 3_000_000  # a parameter larger than the socket's buffer
    assert found["error"] == "DivisionByZero"  # errors come back as before


def test_outside_gevent_nothing_is_replaced():
    from psycopg import waiting

    from telesecond.server.gevent_psycopg import install

    before = waiting.wait
    assert install() is False
    assert waiting.wait is before
