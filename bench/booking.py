"""Bookings per second through gunicorn, and the 50-client race on one slot.

    .venv/bin/python bench/booking.py [--backend sqlite|postgresql|both]
                                      [--bookings 2000] [--clients 16] [--threads 8]

Throughput: gunicorn with 2 workers and the shipped settings (``gunicorn.conf.py``: gevent
workers on PostgreSQL, 8 threads each on SQLite); 16 concurrent clients, each a
patient with its own bearer token and keep-alive connection, book DISTINCT free slots of
16 specialists open around the clock in UTC (30-minute slots, no buffer). Client ``c``'s
``j``-th booking is ``T0 + j * 30 min`` with specialist ``(c + j) % 16``: no two bookings
share a (specialist, time), and no patient ever holds two overlapping consultations.
After a warm-up, a fixed number of bookings is timed; every answer must be 201 and the
consultation rows must equal the 201s.

Race: 50 clients (own patients, own connections) POST the same slot at one instant:
exactly one 201, 49 clean 409s, one row.

Target: >= 300 bookings/s on PostgreSQL (2-core machine). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import socket
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import _common
import requests
from _common import (
    CpuMeter,
    Gunicorn,
    StatementCounter,
    app_env,
    bench_app,
    ms,
    percentile,
    temp_database,
)
from sqlalchemy import func, select

WORKERS = 2
SPECIALISTS = 16
WARMUP_PER_CLIENT = 5
RACE_CLIENTS = 50
SLOT = timedelta(minutes=30)
TARGET_PG_BOOKINGS_PER_S = 300.0
INTAKE = {
    "patient_region": "DE",
    "reason": "Is surgery really the best first step?",
    "current_diagnosis": "Invasive ductal carcinoma, stage II",
    "proposed_treatment": "Mastectomy followed by chemotherapy",
    "questions": ["Would neoadjuvant chemotherapy be an option?", "Is a lumpectomy enough?"],
    "physician_name": "Dr Treating",
    "physician_contact": "treating@example.org",
    "share_with_physician": True,
    "telehealth_consent": True,
}


def rfc3339(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_body(specialist_id: int, start: datetime) -> dict:
    return {**INTAKE, "specialist_id": specialist_id, "start": rfc3339(start)}


def seed(clients: int, password_hash: str) -> dict:
    """Specialists open 24/7 in UTC (via the services), patients and live tokens."""
    from telesecond.domain.tokens import digest
    from telesecond.extensions import db
    from telesecond.models import Account, ApiToken
    from telesecond.services.scheduling import specialists

    now = datetime.now(UTC)

    def account(role: str, name: str) -> Account:
        return Account(
            email=f"{name}@example.org",
            full_name=name.replace("-", " ").title(),
            role=role,
            timezone="UTC",
            password_hash=password_hash,
            notify_by="email",
            active=True,
            created_at=now,
            email_verified_at=now,  # only verified addresses book
        )

    doctors = [account("specialist", f"doctor-{i}") for i in range(SPECIALISTS + 1)]
    patients = [account("patient", f"patient-{i}") for i in range(clients + RACE_CLIENTS + 1)]
    db.session.add_all(doctors + patients)
    db.session.commit()
    for doctor in doctors:
        specialists.update_profile(
            doctor,
            specialties=["Oncology"],
            conditions=["Breast cancer"],
            languages=["en", "de"],
            licensed_regions=["DE", "US-CA"],
            bio="Breast oncology.",
            fee_cents=20000,
            currency="EUR",
            now=now,
        )
        specialists.set_availability(
            doctor,
            specialists.AvailabilityInput(
                timezone="UTC",
                weekly=[(d, 0, 1440) for d in range(7)],
                consultation_minutes=30,
                buffer_minutes=0,
                min_notice_minutes=0,
                horizon_days=60,
            ),
            now=now,
        )
    # Only verified specialists can be booked.
    from telesecond.services.admin import seeding

    admin = seeding.ensure_admin("bench-admin@example.org", password="bench-password-123", now=now)
    seeding.verify_claims([d.id for d in doctors], verifier=admin, now=now)
    db.session.commit()
    tokens = []
    for patient in patients:  # valid by the wall clock, like tests/race
        raw = f"bench-{patient.id}-{now.timestamp()}"
        db.session.add(
            ApiToken(
                account_id=patient.id,
                token_hash=digest(raw),
                created_at=now,
                expires_at=now + timedelta(hours=2),
            )
        )
        tokens.append(raw)
    db.session.commit()
    return {
        "specialists": [d.id for d in doctors[:SPECIALISTS]],
        "race_specialist": doctors[SPECIALISTS].id,
        "tokens": tokens[:clients],
        "race_tokens": tokens[clients : clients + RACE_CLIENTS],
        "probe_token": tokens[-1],
    }


def first_start() -> datetime:
    """Tomorrow at the next full hour: free for every specialist, open all day."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(days=1, hours=1)


def queries_per_booking(app, ids: dict, t0: datetime, count: int = 20) -> dict:
    """SQL statements and in-process time per booking (Flask test client, one patient)."""
    from telesecond.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    headers = {"Authorization": f"Bearer {ids['probe_token']}"}
    base = t0 + timedelta(days=20)  # clear of the throughput run's slots
    doctor = ids["race_specialist"]
    response = client.post(
        "/api/v1/consultations", json=booking_body(doctor, base - SLOT), headers=headers
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with StatementCounter(engine) as statements:
        for i in range(count):
            response = client.post(
                "/api/v1/consultations",
                json=booking_body(doctor, base + i * SLOT),
                headers=headers,
            )
            assert response.status_code == 201, response.get_data(as_text=True)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(count, 2 * count):
        response = client.post(
            "/api/v1/consultations", json=booking_body(doctor, base + i * SLOT), headers=headers
        )
        assert response.status_code == 201, response.get_data(as_text=True)
    profiler.disable()
    return {
        "statements": round(statements.total / count, 1),
        "by_kind": {k: round(v / count, 1) for k, v in statements.kinds.items()},
        "in_process_cpu_ms": ms(cpu / count),
        "in_process_wall_ms": ms(wall / count),
        "cpu_share": cpu_share(profiler),
        "bookings": 2 * count + 1,
    }


# Where a booking's CPU goes (cumulative, profiled): the view, the token lookup, the booking
# service, and inside it the listeners of services/consultations/changes.py (outbox, video
# room …) run in its transaction.
PROFILED = {
    "view": ("telesecond/api/consultations.py", "create_consultation"),
    "booking_service": ("telesecond/services/consultations/booking.py", "book"),
    "hook_listeners": ("telesecond/services/consultations/changes.py", "consultation_changed"),
    "token_lookup": ("telesecond/services/accounts/tokens.py", "resolve"),
}


def cpu_share(profiler: cProfile.Profile) -> dict[str, float]:
    """Each PROFILED function's share of the request's CPU time (0..1)."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in stats.values())
    found = dict.fromkeys(PROFILED, 0.0)
    for (filename, _, name), (_, _, _, cumulative, _) in stats.items():
        for key, (suffix, function) in PROFILED.items():
            if name == function and filename.endswith(suffix):
                found[key] = max(found[key], cumulative)
    return {k: round(v / total, 3) for k, v in found.items()} if total else found


class Client:
    """A lean keep-alive HTTP/1.1 client on a plain socket: each request is one prepared
    byte string, and only the status line and Content-Length of an answer are read. The
    client shares the server's two cores, so its CPU is the server's loss (http.client's
    header parsing cost about twice as much per request)."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.address = urlsplit(base_url).netloc.rsplit(":", 1)
        self.head = f"Host: {self.address[0]}\r\nContent-Type: application/json\r\n"
        if token:
            self.head += f"Authorization: Bearer {token}\r\n"
        self.sock: socket.socket | None = None

    def request_bytes(self, method: str, path: str, payload: bytes | None) -> bytes:
        body = payload or b""
        head = f"{method} {path} HTTP/1.1\r\n{self.head}Content-Length: {len(body)}\r\n\r\n"
        return head.encode() + body

    def send(self, request: bytes) -> tuple[int, bytes]:
        """One request and its answer; reconnects once if the server closed the socket."""
        try:
            return self._exchange(request)
        except OSError:
            self.close()
            return self._exchange(request)

    def _exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection((self.address[0], int(self.address[1])), 60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        data = b""
        while (split := data.find(b"\r\n\r\n")) < 0:
            data += self._recv()
        head, body = data[:split], data[split + 4 :]
        found = CONTENT_LENGTH.search(head)
        if found is None:
            raise OSError(f"no Content-Length in {head[:200]!r}")
        length = int(found.group(1))
        while len(body) < length:
            body += self._recv()
        if CLOSE.search(head):
            self.close()
        return int(head[9:12]), body[:length]

    def _recv(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


def run_clients(
    url: str, tokens: list[str], requests_for
) -> tuple[list[float], Counter, list[str], float]:
    """Each client sends its requests in order; latencies, codes, sample errors, wall time.

    ``requests_for(c)`` yields client ``c``'s (method, path, body) tuples.
    """
    clients = len(tokens)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    codes: list[Counter] = [Counter() for _ in range(clients)]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def client(c: int) -> None:
        http_client = Client(url, tokens[c])
        # Requests encoded before the clock starts: the client shares the server's cores.
        work = [
            http_client.request_bytes(
                method, path, None if body is None else json.dumps(body).encode()
            )
            for method, path, body in requests_for(c)
        ]
        barrier.wait()
        try:
            for request in work:
                begin = time.perf_counter()
                try:
                    status, content = http_client.send(request)
                except (OSError, ValueError) as exc:
                    codes[c]["error"] += 1
                    errors.append(repr(exc)[:300])
                    continue
                latencies[c].append(time.perf_counter() - begin)
                codes[c][status] += 1
                if status >= 300 and len(errors) < 5:
                    errors.append(f"{status}: {content[:300].decode(errors='replace')}")
        finally:
            http_client.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    begin = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - begin
    return [x for per in latencies for x in per], sum(codes, Counter()), errors, wall


def bookings_for(ids: dict, t0: datetime, first_j: int, per_client: int):
    """Client ``c``'s bookings: slot j with specialist (c + j) mod 16, in time order."""

    def plan(c: int):
        for j in range(first_j, first_j + per_client):
            doctor = ids["specialists"][(c + j) % SPECIALISTS]
            yield "POST", "/api/v1/consultations", booking_body(doctor, t0 + j * SLOT)

    return plan


def race(url: str, ids: dict, start: datetime) -> dict:
    """RACE_CLIENTS patients press "Book" on the same slot at the same moment."""
    body = booking_body(ids["race_specialist"], start)
    barrier = threading.Barrier(RACE_CLIENTS)
    results: list[requests.Response | None] = [None] * RACE_CLIENTS

    def client(i: int) -> None:
        with requests.Session() as session:
            barrier.wait()
            results[i] = session.post(
                f"{url}/api/v1/consultations",
                json=body,
                timeout=120,
                headers={"Authorization": f"Bearer {ids['race_tokens'][i]}"},
            )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(RACE_CLIENTS)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    codes = Counter(r.status_code if r is not None else "none" for r in results)
    clean_409 = all(
        r.headers.get("Content-Type") == "application/problem+json"
        and "no longer available" in r.json().get("detail", "")
        for r in results
        if r is not None and r.status_code == 409
    )
    return {"codes": codes, "clean_409": clean_409, "seconds": round(elapsed, 2)}


def healthz_ceiling(server: Gunicorn, tokens: list[str], per_client: int) -> dict:
    """The HTTP stack alone (gunicorn + Flask + this client), no database: a reference."""
    count = min(per_client, 100)

    def plan(c: int):  # noqa: ARG001
        return [("GET", "/healthz", None)] * count

    run_clients(server.url, tokens, plan)
    with CpuMeter(server) as meter:
        latencies, codes, _, wall = run_clients(server.url, tokens, plan)
    assert codes == Counter({200: count * len(tokens)}), codes
    return {
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": ms(percentile(latencies, 50)),
        "cpu_ms": {k: v for k, v in meter.per_op_ms(len(latencies)).items() if k != "postgres"},
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    print(f"\n== {backend} ==")
    with temp_database(backend, "bench_booking") as (url, tmp):
        app = bench_app(url, tmp)
        from telesecond.extensions import db
        from telesecond.models import Consultation
        from telesecond.services.accounts.credentials import hash_password

        with app.app_context():
            ids = seed(args.clients, hash_password("bench-password-123"))
        t0 = first_start()
        probe = queries_per_booking(app, ids, t0)
        print(
            f"per booking (in-process, test client): {probe['statements']} SQL statements "
            f"{probe['by_kind']}, {probe['in_process_cpu_ms']} ms CPU, "
            f"{probe['in_process_wall_ms']} ms wall; CPU share {probe['cpu_share']}"
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

        server = Gunicorn(app_env(url, tmp), workers=WORKERS, threads=args.threads)
        try:
            tokens = ids["tokens"]
            warm = bookings_for(ids, t0, 0, WARMUP_PER_CLIENT)
            _, warm_codes, warm_errors, _ = run_clients(server.url, tokens, warm)
            if warm_codes != Counter({201: WARMUP_PER_CLIENT * args.clients}):
                raise RuntimeError(f"warm-up failed: {dict(warm_codes)} {warm_errors}")
            per_client = -(-args.bookings // args.clients)
            meter = CpuMeter(server, url)
            timed = bookings_for(ids, t0, WARMUP_PER_CLIENT, per_client)
            with meter:
                latencies, codes, errors, wall = run_clients(server.url, tokens, timed)
            ceiling = healthz_ceiling(server, tokens, per_client)
            race_result = race(server.url, ids, t0 + timedelta(days=10))
            worker_class = server.worker_class
        finally:
            server.stop()

        race_start = t0 + timedelta(days=10)
        with app.app_context():
            rows = db.session.scalar(
                select(func.count())
                .select_from(Consultation)
                .where(Consultation.specialist_id.in_(ids["specialists"]))
            )
            race_rows = db.session.scalar(
                select(func.count())
                .select_from(Consultation)
                .where(
                    Consultation.specialist_id == ids["race_specialist"],
                    Consultation.start == race_start,
                    Consultation.status != "cancelled",
                )
            )
            db.session.remove()
            db.engine.dispose()

    total = len(latencies)
    created = codes.get(201, 0)
    created_all = created + warm_codes[201]
    rate = total / wall
    cpu = meter.per_op_ms(total)
    cpu_total = sum(cpu.values())
    result = {
        "worker_class": worker_class,
        "threads_per_worker": args.threads if worker_class == "gthread" else None,
        "workers": WORKERS,
        "clients": args.clients,
        "bookings": total,
        "seconds": round(wall, 2),
        "bookings_per_s": round(rate, 1),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "p99_ms": ms(percentile(latencies, 99)),
        "codes": {str(k): v for k, v in sorted(codes.items(), key=str)},
        "all_201": created == total == per_client * args.clients,
        "rows": rows,
        "rows_equal_201s": rows == created_all,
        "cpu_ms_per_booking": cpu,
        # What the CPU cost alone allows on an otherwise idle machine with this many cores.
        "cpu_bound_bookings_per_s": round(os.cpu_count() * 1000 / cpu_total, 1),
        "healthz_ceiling": ceiling,
        "sql_per_booking": probe,
        "race": {
            "clients": RACE_CLIENTS,
            "201": race_result["codes"].get(201, 0),
            "409": race_result["codes"].get(409, 0),
            "other": sum(v for k, v in race_result["codes"].items() if k not in (201, 409)),
            "rows_for_slot": race_rows,
            "clean_409_problems": race_result["clean_409"],
            "seconds": race_result["seconds"],
        },
    }
    race_ok = (result["race"]["201"], result["race"]["409"], race_rows) == (
        1,
        RACE_CLIENTS - 1,
        1,
    )
    result["race"]["ok"] = race_ok and race_result["clean_409"]
    print(f"gunicorn workers: {WORKERS} x {worker_class}")
    print(
        f"throughput: {total} bookings by {args.clients} clients in {result['seconds']} s = "
        f"{result['bookings_per_s']} bookings/s; p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
    )
    print(
        f"    answers {result['codes']}; all 201: {result['all_201']}; rows {rows} = "
        f"201s incl. warm-up {created_all}: {result['rows_equal_201s']}"
    )
    print(
        f"    CPU ms per booking: {cpu} -> at most {result['cpu_bound_bookings_per_s']} "
        f"bookings/s on {os.cpu_count()} idle cores"
    )
    print(
        f"    reference, GET /healthz (no database) by the same clients: "
        f"{ceiling['requests_per_s']} requests/s, CPU ms per request {ceiling['cpu_ms']}"
    )
    for line in errors[:5]:
        print(f"    error: {line}")
    r = result["race"]
    print(
        f"race: {RACE_CLIENTS} clients, one slot: {r['201']} x 201, {r['409']} x 409, "
        f"{r['other']} other; rows for the slot: {race_rows}; clean 409 problems: "
        f"{r['clean_409_problems']} ({r['seconds']} s) -> {'OK' if r['ok'] else 'FAILED'}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--bookings", type=int, default=2000, help="timed bookings")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--threads", type=int, default=8, help="threads per gthread worker (SQLite)"
    )
    args = parser.parse_args()
    if args.clients > SPECIALISTS:
        parser.error(f"at most {SPECIALISTS} clients (one specialist each per time slot)")
    per_client = -(-args.bookings // args.clients)
    if (WARMUP_PER_CLIENT + per_client) * SLOT > timedelta(days=9):
        parser.error("too many bookings per client for the seeded calendar")
    print(
        f"bench/booking.py: gunicorn {WORKERS} workers (gevent on PostgreSQL, "
        f"{args.threads} threads each on SQLite), {args.clients} clients, "
        f"{per_client * args.clients} timed bookings"
    )
    figures: dict = {"load_average_at_start": _common.load_average()}
    for backend in _common.backends_from_arg(args.backend):
        figures[backend] = run_backend(backend, args)
    figures["load_average_at_end"] = _common.load_average()
    met = {}
    for backend in _common.backends_from_arg(args.backend):
        r = figures[backend]
        met[backend] = {
            "correct": r["all_201"] and r["rows_equal_201s"] and r["race"]["ok"],
        }
        if backend == "postgresql":
            met[backend]["bookings_per_s"] = r["bookings_per_s"] >= TARGET_PG_BOOKINGS_PER_S
    figures["target_postgresql_bookings_per_s"] = TARGET_PG_BOOKINGS_PER_S
    figures["targets_met"] = met
    sys.stdout.flush()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
