"""The gevent worker (PostgreSQL) keeps serving while a password is being hashed."""

from __future__ import annotations

import statistics
import threading
import time

import pytest
import requests

from telesecond.extensions import db
from tests.support.gunicorn import Gunicorn, app_env

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]
SIGN_INS = 4


def test_sign_ins_do_not_hold_up_the_other_requests_of_a_gevent_worker(
    database_url, tmp_path, make_account
):
    """argon2 takes about 150 ms a sign-in. On the event loop it would stall every
    request of the worker; run off the loop, a request that needs no hash is answered
    while the sign-ins go on."""
    email = make_account().email
    db.session.commit()
    server = Gunicorn(app_env(database_url, tmp_path), workers=1, threads=1)
    try:
        assert server.worker_class.endswith("gevent")
        sign_ins: list[float] = []
        codes: list[int] = []
        done = threading.Event()

        def sign_in_repeatedly() -> None:
            try:
                with requests.Session() as session:
                    for _ in range(SIGN_INS):
                        begin = time.perf_counter()
                        response = session.post(
                            f"{server.url}/api/v1/tokens",
                            json={"email": email, "password": "not the password"},
                            timeout=30,
                        )
                        sign_ins.append(time.perf_counter() - begin)
                        codes.append(response.status_code)
            finally:
                done.set()

        worker = threading.Thread(target=sign_in_repeatedly)
        probes: list[float] = []
        with requests.Session() as session:
            session.get(f"{server.url}/healthz", timeout=10)  # connected before the start
            worker.start()
            while not done.is_set():
                begin = time.perf_counter()
                assert session.get(f"{server.url}/healthz", timeout=30).status_code == 200
                probes.append(time.perf_counter() - begin)
                time.sleep(0.01)
        worker.join()
    finally:
        server.stop()
    assert codes == [401] * SIGN_INS, codes
    assert len(probes) >= 5, (sign_ins, probes)
    # With the hash on the event loop, the probes' median was close to a whole sign-in.
    assert statistics.median(probes) < 0.4 * min(sign_ins), (probes, sign_ins)
