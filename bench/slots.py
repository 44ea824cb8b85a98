"""How fast free slots and the directory are, in-process and through gunicorn.

    .venv/bin/python bench/slots.py [--backend sqlite|postgresql|both] [--quick]

(a) the pure slot engine: one specialist, 30 days (backend independent);
(b) GET /api/v1/specialists/{id}/slots for 30 days through gunicorn (2 workers);
(c) GET /api/v1/specialists (directory search) over 1,000 seeded specialists.

Targets on a 2-core machine: (a) median <= 1 ms, (b) p50 <= 15 ms, (c) p95 <= 100 ms.
Prints its figures, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.domain import slots as engine
from telesecond.domain import tags as tag_rules

WORKERS, THREADS = 2, 8
TARGETS = {"engine_30d_median_ms": 1.0, "slots_p50_ms": 15.0, "directory_p95_ms": 100.0}

# --- the one realistic schedule ----------------------------------------------------

BERLIN = "Europe/Berlin"
TWO_WINDOWS = [(d, s, e) for d in range(5) for s, e in ((9 * 60, 12 * 60), (13 * 60, 17 * 60))]
POLICY = {
    "consultation_minutes": 30,
    "buffer_minutes": 10,
    "min_notice_minutes": 60,
    "horizon_days": 90,
}
BOOKINGS = 40
PROFILE = {
    "specialties": ["Oncology", "Radiation oncology"],
    "conditions": ["Breast cancer", "Prostate cancer"],
    "languages": ["de", "en"],
    "licensed_regions": ["DE", "AT", "US-CA"],
    "bio": "Breast and prostate oncology.",
    "fee_cents": 25000,
    "currency": "EUR",
}


def engine_schedule() -> engine.Schedule:
    return engine.Schedule(
        timezone=BERLIN,
        weekly=tuple(engine.WeeklyWindow(d, s, e) for d, s, e in TWO_WINDOWS),
        policy=engine.SlotPolicy(**POLICY),
    )


def local_day(day_offset: int, now: datetime, zone: str = BERLIN) -> engine.Interval:
    """A whole local day ``day_offset`` days after ``now``'s local date, as an interval."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    local = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    start = (local + timedelta(days=day_offset)).replace(tzinfo=tz)
    end = (local + timedelta(days=day_offset + 1)).replace(tzinfo=tz)
    return engine.Interval(start.astimezone(UTC), end.astimezone(UTC))


def bench_engine(runs: int) -> dict:
    """(a) free_slots for 30 days with 40 bookings and two days off, pure Python."""
    schedule = engine_schedule()
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin
    start, end = now, now + timedelta(days=30)
    grid = engine.free_slots(schedule, now=now, start=start, end=end)
    picked = random.Random(7).sample(grid, BOOKINGS)
    busy = [engine.Interval(s.start, s.end) for s in picked]
    time_off = [engine.Interval(local_day(16, now).start, local_day(17, now).end)]
    kwargs = {"busy": busy, "time_off": time_off, "now": now, "start": start, "end": end}
    for _ in range(max(20, runs // 10)):
        result = engine.free_slots(schedule, **kwargs)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = engine.free_slots(schedule, **kwargs)
        samples.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    first = engine.first_free_slot(schedule, busy=busy, time_off=time_off, now=now)
    first_s = time.perf_counter() - t0
    assert first is not None and result and len(result) < len(grid) - BOOKINGS
    out = {
        "runs": runs,
        "grid_slots": len(grid),
        "free_slots": len(result),
        "median_ms": round(statistics.median(samples) * 1000, 3),
        "p95_ms": round(percentile(samples, 95) * 1000, 3),
        "first_free_slot_ms": round(first_s * 1000, 3),
    }
    print(
        f"(a) engine, 30 days, {BOOKINGS} bookings + 2 days off: {out['free_slots']} of "
        f"{out['grid_slots']} slots free; median {out['median_ms']} ms, "
        f"p95 {out['p95_ms']} ms over {runs} runs (first_free_slot {out['first_free_slot_ms']}"
        " ms)"
    )
    return out


# --- seeding -----------------------------------------------------------------------

ZONES = [  # zone, licensed regions, languages spoken there
    ("Europe/Berlin", ["DE", "AT", "CH"], ["de", "en"]),
    ("Europe/London", ["GB", "IE"], ["en"]),
    ("America/New_York", ["US-NY", "US-NJ", "US-MA"], ["en", "es"]),
    ("America/Los_Angeles", ["US-CA", "US-WA", "US-OR"], ["en", "es"]),
    ("America/Sao_Paulo", ["BR"], ["pt-BR", "es", "en"]),
    ("Asia/Kolkata", ["IN"], ["hi", "en"]),
    ("Asia/Tokyo", ["JP"], ["ja", "en"]),
    ("Australia/Sydney", ["AU-NSW", "AU-VIC"], ["en"]),
]
SPECIALTIES = {
    "Oncology": ["Breast cancer", "Lung cancer", "Prostate cancer", "Colorectal cancer"],
    "Cardiology": ["Atrial fibrillation", "Heart failure", "Coronary artery disease"],
    "Neurology": ["Multiple sclerosis", "Epilepsy", "Parkinson's disease", "Migraine"],
    "Orthopaedics": ["Knee replacement", "Spinal stenosis", "Rotator cuff tear"],
    "Endocrinology": ["Type 1 diabetes", "Thyroid nodules", "Adrenal insufficiency"],
    "Rheumatology": ["Rheumatoid arthritis", "Lupus", "Psoriatic arthritis"],
    "Gastroenterology": ["Crohn's disease", "Ulcerative colitis", "Liver cirrhosis"],
    "Urology": ["Kidney stones", "Prostate cancer", "Bladder cancer"],
    "Dermatology": ["Melanoma", "Psoriasis", "Atopic dermatitis"],
    "Haematology": ["Leukaemia", "Lymphoma", "Multiple myeloma"],
    "Pulmonology": ["COPD", "Interstitial lung disease", "Lung cancer"],
    "Gynaecology": ["Endometriosis", "Ovarian cancer", "Uterine fibroids"],
    "Radiation oncology": ["Breast cancer", "Prostate cancer", "Head and neck cancer"],
    "Nephrology": ["Chronic kidney disease", "Glomerulonephritis"],
}
HOURS = [  # weekly templates (weekday, start minute, end minute), local wall clock
    TWO_WINDOWS,
    [(d, 8 * 60, 16 * 60) for d in range(4)],
    [(d, s, e) for d in range(1, 6) for s, e in ((10 * 60, 14 * 60), (15 * 60, 19 * 60))],
    [(d, 7 * 60 + 30, 12 * 60 + 30) for d in (0, 2, 4)],
    [(d, 18 * 60, 21 * 60) for d in range(5)],
    [(d, 0, 1440) for d in range(7)],
]


def tag_rows(profile: dict) -> list[tuple[str, str, str]]:
    """(kind, match value, label) rows exactly as services.specialists writes them."""
    rows = []
    for kind, field, normalise in (
        ("specialty", "specialties", tag_rules.normalize_term),
        ("condition", "conditions", tag_rules.normalize_term),
        ("language", "languages", tag_rules.normalize_language),
        ("region", "licensed_regions", lambda v: (tag_rules.normalize_region(v),) * 2),
    ):
        seen = set()
        for value in profile[field]:
            key, label = normalise(value)
            if key not in seen:
                seen.add(key)
                rows.append((kind, key.casefold(), label))
    return rows


def random_profile(rng: random.Random) -> tuple[str, dict, list, dict]:
    """A specialist: zone, profile, weekly hours, slot policy."""
    zone, regions, languages = rng.choice(ZONES)
    specialties = rng.sample(sorted(SPECIALTIES), rng.choice((1, 1, 2)))
    conditions = sorted({c for s in specialties for c in rng.sample(SPECIALTIES[s], 2)})
    profile = {
        "specialties": specialties,
        "conditions": conditions,
        "languages": rng.sample(languages, rng.randint(1, len(languages))),
        "licensed_regions": rng.sample(regions, rng.randint(1, len(regions))),
        "bio": "Second opinions on " + ", ".join(conditions).lower() + ".",
        "fee_cents": rng.choice((15000, 20000, 25000, 30000)),
        "currency": "EUR" if zone.startswith("Europe") else "USD",
    }
    weekly = [] if rng.random() < 0.02 else rng.choice(HOURS)
    policy = {
        "consultation_minutes": rng.choice((30, 45, 60)),
        "buffer_minutes": rng.choice((0, 10, 15)),
        "min_notice_minutes": rng.choice((0, 120, 1440)),
        "horizon_days": rng.choice((30, 60, 90)),
    }
    return zone, profile, weekly, policy


def seed_directory(count: int, password_hash: str, now: datetime) -> dict:
    """Bulk-insert ``count`` specialists with tags, hours, time off and bookings."""
    from telesecond.extensions import db
    from telesecond.models import (
        Account,
        Consultation,
        SpecialistProfile,
        SpecialistTag,
        TimeOff,
        WeeklyWindowRow,
    )

    rng = random.Random(2026)
    people = [random_profile(rng) for _ in range(count)]
    accounts = [
        Account(
            email=f"dir-specialist{i}@example.org",
            full_name=f"Dr Directory {i}",
            password_hash=password_hash,
            role="specialist",
            timezone=zone,
            notify_by="email",
            active=True,
            created_at=now,
            email_verified_at=now,  # only verified addresses book
        )
        for i, (zone, *_rest) in enumerate(people)
    ]
    db.session.add_all(accounts)
    db.session.flush()
    bookings, time_off = [], []
    for account, (zone, profile, weekly, policy) in zip(accounts, people, strict=True):
        db.session.add(
            SpecialistProfile(
                account_id=account.id,
                timezone=zone,
                bio=profile["bio"],
                credentials="",
                fee_cents=profile["fee_cents"],
                currency=profile["currency"],
                updated_at=now,
                next_available_at=None,
                next_available_valid_until=None,
                tags=[SpecialistTag(kind=k, value=v, label=lbl) for k, v, lbl in tag_rows(profile)],
                windows=[
                    WeeklyWindowRow(weekday=d, start_minute=s, end_minute=e)
                    for d, s, e in sorted(weekly)
                ],
                **policy,
            )
        )
        roll = rng.random()
        if roll < 0.10:  # on holiday now: back in 3 to 14 days
            time_off.append(
                TimeOff(
                    account_id=account.id,
                    start=now - timedelta(days=1),
                    end=now + timedelta(days=rng.randint(3, 14)),
                    note="Holiday",
                )
            )
        elif roll < 0.25:  # a conference later on
            begin = now + timedelta(days=rng.randint(5, 25))
            time_off.append(
                TimeOff(
                    account_id=account.id,
                    start=begin,
                    end=begin + timedelta(days=rng.randint(1, 4)),
                    note="Conference",
                )
            )
        if weekly and rng.random() < 0.6:  # the soonest slots are taken, and a few later
            schedule = engine.Schedule(
                zone, tuple(engine.WeeklyWindow(*w) for w in weekly), engine.SlotPolicy(**policy)
            )
            free = engine.free_slots(schedule, now=now, start=now, end=now + timedelta(days=21))
            taken = free[: rng.randint(1, 6)] + rng.sample(free, min(len(free), rng.randint(0, 6)))
            for slot in {s.start: s for s in taken}.values():
                bookings.append((account.id, slot, policy["buffer_minutes"]))
    db.session.flush()  # profiles before the rows that refer to them
    _verify([a.id for a in accounts], now)
    db.session.add_all(time_off)
    patients = [
        Account(
            email=f"dir-patient{i}@example.org",
            full_name=f"Patient Directory {i}",
            password_hash=password_hash,
            role="patient",
            timezone="Europe/Berlin",
            notify_by="email",
            active=True,
            created_at=now,
            email_verified_at=now,  # only verified addresses book
        )
        for i in range(len(bookings))
    ]
    db.session.add_all(patients)
    db.session.flush()
    db.session.add_all(
        Consultation(
            patient_id=patient.id,
            specialist_id=specialist_id,
            start=slot.start,
            end=slot.end,
            block_end=slot.end + timedelta(minutes=buffer),
            status="confirmed",
            sequence=0,
            patient_region="DE",
            reason="Is surgery the right first step?",
            current_diagnosis="Stage II",
            proposed_treatment="Surgery",
            questions=["Is there an alternative?"],
            physician_name="",
            physician_contact="",
            share_with_physician=False,
            consent_version="2026-11",
            consent_at=now,
            emergency_ack_at=now,
            created_at=now,
            updated_at=now,
        )
        for patient, (specialist_id, slot, buffer) in zip(patients, bookings, strict=True)
    )
    db.session.commit()
    return {
        "specialists": count,
        "bookings": len(bookings),
        "time_off": len(time_off),
        "zones": len({p[0] for p in people}),
    }


def _verify(specialist_ids: list[int], now: datetime) -> None:
    """Specialists are public only once an admin verified their licences."""
    from telesecond.services.admin import seeding

    admin = seeding.ensure_admin("bench-admin@example.org", password="bench-password-123", now=now)
    seeding.verify_claims(specialist_ids, verifier=admin, now=now)


def seed_slot_specialist(now: datetime, password_hash: str) -> tuple[int, dict]:
    """(b)'s specialist, made through the services as the API would: profile, hours,
    two days off and 40 bookings by several patients."""
    from telesecond.domain.intake import Intake
    from telesecond.extensions import db
    from telesecond.models import Account, SpecialistTag
    from telesecond.services.consultations import booking
    from telesecond.services.scheduling import availability, specialists

    doctor = Account(
        email="slots-doctor@example.org",
        full_name="Dr Slots",
        role="specialist",
        timezone=BERLIN,
        password_hash=password_hash,
        notify_by="email",
        active=True,
        created_at=now,
        email_verified_at=now,
    )
    patients = [
        Account(
            email=f"slots-patient{i}@example.org",
            full_name=f"Patient {i}",
            role="patient",
            timezone=BERLIN,
            password_hash=password_hash,
            notify_by="email",
            active=True,
            created_at=now,
            email_verified_at=now,  # only verified addresses book
        )
        for i in range(8)
    ]
    db.session.add_all([doctor, *patients])
    db.session.commit()
    specialists.update_profile(doctor, **PROFILE, now=utcnow())
    specialists.set_availability(
        doctor,
        specialists.AvailabilityInput(timezone=BERLIN, weekly=TWO_WINDOWS, **POLICY),
        now=utcnow(),
    )
    off = engine.Interval(local_day(12, now).start, local_day(13, now).end)
    specialists.add_time_off(doctor, start=off.start, end=off.end, note="Congress", now=utcnow())
    _verify([doctor.id], now)
    db.session.commit()
    free = availability.free_slots(doctor.id, now, now + timedelta(days=30), now=now)
    intake = Intake(
        patient_region="DE",
        reason="Is surgery the right first step?",
        current_diagnosis="Invasive ductal carcinoma, stage II",
        proposed_treatment="Mastectomy",
        questions=["Is a lumpectomy enough?"],
        telehealth_consent=True,
    )
    for i, slot in enumerate(
        sorted(random.Random(3).sample(free, BOOKINGS), key=lambda s: s.start)
    ):
        booking.book(patients[i % len(patients)], doctor.id, slot.start, intake, now=now)
    # The bulk seeding must write the same tag rows as the service just did.
    written = [
        (t.kind, t.value, t.label)
        for t in db.session.query(SpecialistTag)
        .filter_by(account_id=doctor.id)
        .order_by(SpecialistTag.id)
    ]
    assert written == tag_rows(PROFILE), (written, tag_rows(PROFILE))
    return doctor.id, {"free_before_bookings": len(free)}


# --- HTTP measurements ---------------------------------------------------------------


def timed_get(session: requests.Session, url: str, params: dict | None = None):
    t0 = time.perf_counter()
    response = session.get(url, params=params, timeout=120)
    elapsed = time.perf_counter() - t0
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params} -> {response.status_code}: {response.text[:500]}")
    return response, elapsed


def bench_slots_http(server: Gunicorn, url_of_db: str, specialist_id: int, requests_n: int) -> dict:
    """(b) sequential 30-day slot queries on a keep-alive session."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    params = {
        "start": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    url = f"{server.url}/api/v1/specialists/{specialist_id}/slots"
    samples = []
    with requests.Session() as session:
        for _ in range(30):
            response, _ = timed_get(session, url, params)
        count = len(response.json()["items"])
        with CpuMeter(server, url_of_db) as cpu:
            for _ in range(requests_n):
                _, elapsed = timed_get(session, url, params)
                samples.append(elapsed)
    out = {
        "slots_p50_ms": ms(percentile(samples, 50)),
        "slots_p95_ms": ms(percentile(samples, 95)),
        "slots_requests": requests_n,
        "slots_items": count,
        "slots_cpu_ms_per_request": cpu.per_op_ms(requests_n),
    }
    print(
        f"(b) GET /specialists/{{id}}/slots, 30 days ({count} slots): p50 "
        f"{out['slots_p50_ms']} ms, p95 {out['slots_p95_ms']} ms over {requests_n} requests"
    )
    print(f"    CPU ms per request: {out['slots_cpu_ms_per_request']}")
    return out


COMBOS = {
    "none": {},
    "specialty": {"specialty": "oncology"},
    "language+region": {"language": "de", "region": "DE"},
}


def bench_directory(server: Gunicorn, url_of_db: str, rounds: int) -> dict:
    """(c) the cold first search, then warm searches with each filter combination."""
    url = f"{server.url}/api/v1/specialists"
    with requests.Session() as session:
        response, cold = timed_get(session, url)
        assert response.json()["items"], "the directory is empty"
        for params in COMBOS.values():  # one warm-up each
            timed_get(session, url, params)
        samples: dict[str, list[float]] = {name: [] for name in COMBOS}
        counts = {}
        with CpuMeter(server, url_of_db) as cpu:
            for _ in range(rounds):
                for name, params in COMBOS.items():
                    response, elapsed = timed_get(session, url, params)
                    samples[name].append(elapsed)
                    counts[name] = len(response.json()["items"])
    every = [s for values in samples.values() for s in values]
    out = {
        "directory_p50_ms": ms(percentile(every, 50)),
        "directory_p95_ms": ms(percentile(every, 95)),
        "directory_cold_ms": ms(cold),
        "directory_requests": len(every),
        "directory_cpu_ms_per_request": cpu.per_op_ms(len(every)),
        "directory_by_filter": {
            name: {
                "p50_ms": ms(percentile(v, 50)),
                "p95_ms": ms(percentile(v, 95)),
                "items": counts[name],
            }
            for name, v in samples.items()
        },
    }
    print(
        f"(c) GET /specialists, cold first request (fills the next-available cache): "
        f"{out['directory_cold_ms']} ms"
    )
    for name, figures in out["directory_by_filter"].items():
        print(
            f"    filter {name:<16} p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
            f"({figures['items']} items/page)"
        )
    print(
        f"    all filters: p50 {out['directory_p50_ms']} ms, p95 {out['directory_p95_ms']} ms "
        f"over {len(every)} requests"
    )
    print(f"    CPU ms per request: {out['directory_cpu_ms_per_request']}")
    return out


def probe_in_process(app, specialist_id: int) -> dict:
    """SQL statements and CPU per request through the Flask test client (diagnostics)."""
    from telesecond.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    params = {
        "start": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    probes = {"slots": (f"/api/v1/specialists/{specialist_id}/slots", params)}
    probes |= {f"directory {name}": ("/api/v1/specialists", q) for name, q in COMBOS.items()}
    out = {}
    for name, (path, query) in probes.items():
        for _ in range(5):
            assert client.get(path, query_string=query).status_code == 200
        with StatementCounter(engine) as counter:
            cpu0 = time.process_time()
            for _ in range(20):
                client.get(path, query_string=query)
            cpu = time.process_time() - cpu0
        out[name] = {"statements": counter.total / 20, "cpu_ms": ms(cpu / 20)}
    with app.app_context():
        db.session.remove()
    return out


def bench_hourly_refill(server: Gunicorn, app) -> float:
    """Age every cached next-available entry by one hour (as the clock would), then time
    the next search: the entries filled together by the cold request expire together."""
    from telesecond.extensions import db
    from telesecond.models import SpecialistProfile

    with app.app_context():
        for profile in db.session.scalars(select(SpecialistProfile)):
            if profile.next_available_valid_until is not None:
                profile.next_available_valid_until -= timedelta(hours=1)
        db.session.commit()
        db.session.remove()
    with requests.Session() as session:
        _, elapsed = timed_get(session, f"{server.url}/api/v1/specialists")
    print(f"    first search an hour later (stale entries refilled): {ms(elapsed)} ms")
    return ms(elapsed)


def cache_expiry_clustering(app) -> dict:
    """How many cached next-available entries fall stale within the same minute."""
    from telesecond.extensions import db
    from telesecond.models import SpecialistProfile

    with app.app_context():
        until = sorted(
            v
            for v in db.session.scalars(select(SpecialistProfile.next_available_valid_until))
            if v is not None
        )
        db.session.remove()
    busiest, lo = 0, 0
    for hi, moment in enumerate(until):
        while moment - until[lo] > timedelta(minutes=1):
            lo += 1
        busiest = max(busiest, hi - lo + 1)
    return {"cached": len(until), "max_stale_within_one_minute": busiest}


def run_backend(backend: str, args: argparse.Namespace) -> dict:
    print(f"\n== {backend} ==")
    with temp_database(backend, "bench_slots") as (url, tmp):
        app = bench_app(url, tmp)
        from telesecond.extensions import db
        from telesecond.services.accounts.credentials import hash_password

        password_hash = hash_password("bench-password-123")
        now = datetime.now(UTC)
        with app.app_context():
            t0 = time.perf_counter()
            specialist_id, _ = seed_slot_specialist(now, password_hash)
            t1 = time.perf_counter()
            seeded = seed_directory(args.specialists, password_hash, now)
            t2 = time.perf_counter()
            db.session.remove()
            db.engine.dispose()
        print(
            f"seeded: 1 specialist + {BOOKINGS} bookings via services in {t1 - t0:.2f} s; "
            f"{seeded['specialists']} directory specialists in {seeded['zones']} zones, "
            f"{seeded['bookings']} bookings, {seeded['time_off']} time off (bulk, ORM) in "
            f"{t2 - t1:.2f} s"
        )
        server = Gunicorn(app_env(url, tmp), workers=WORKERS, threads=THREADS)
        try:
            result = bench_slots_http(server, url, specialist_id, args.requests)
            result |= bench_directory(server, url, args.rounds)
            clustering = cache_expiry_clustering(app)
            print(
                f"    next-available cache: {clustering['max_stale_within_one_minute']} of "
                f"{clustering['cached']} entries go stale within the same minute"
            )
            result["directory_cache"] = clustering
            result["directory_refill_after_1h_ms"] = bench_hourly_refill(server, app)
        finally:
            server.stop()
        result["seed_seconds"] = round(t2 - t0, 2)
        result["in_process"] = probe = probe_in_process(app, specialist_id)
        for name, figures in probe.items():
            print(
                f"    in-process {name}: {figures['statements']} SQL statements, "
                f"{figures['cpu_ms']} ms CPU per request"
            )
        with app.app_context():
            db.engine.dispose()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=500, help="engine runs (>= 200)")
    parser.add_argument("--requests", type=int, default=300, help="slot requests (>= 300)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=100,
        help="directory rounds; each sends one request per filter combination",
    )
    parser.add_argument("--specialists", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"bench/slots.py: gunicorn {WORKERS} workers (shipped gunicorn.conf.py), "
        f"{Path('/proc/cpuinfo').read_text().count('processor')} CPUs"
    )
    figures: dict = {"load_average_at_start": _common.load_average()}
    eng = bench_engine(args.runs)
    figures["engine_30d_median_ms"] = eng["median_ms"]
    figures["engine"] = eng
    met: dict = {"engine_30d_median_ms": eng["median_ms"] <= TARGETS["engine_30d_median_ms"]}
    for backend in _common.backends_from_arg(args.backend):
        figures[backend] = result = run_backend(backend, args)
        met[backend] = {
            "slots_p50_ms": result["slots_p50_ms"] <= TARGETS["slots_p50_ms"],
            "directory_p95_ms": result["directory_p95_ms"] <= TARGETS["directory_p95_ms"],
        }
    figures["load_average_at_end"] = _common.load_average()
    figures["targets"] = TARGETS
    figures["targets_met"] = met
    sys.stdout.flush()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
