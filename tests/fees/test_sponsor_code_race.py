"""Two patients take the last use of a sponsor code at the same moment: one of them gets it."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Account, SponsorCode, SponsorCodeUse
from telesecond.services.errors import Invalid
from telesecond.services.fees import sponsor_codes

ROUNDS = 5


def race(apps, patient_ids: list[int], code_text: str, now: datetime) -> list[str]:
    """Each app (a worker with its own connections) reads the code, then all take a use."""
    barrier = threading.Barrier(len(apps))
    outcomes: list[str] = []

    def take(worker_app, patient_id):
        with worker_app.app_context():
            patient = db.session.get(Account, patient_id)
            code = sponsor_codes.usable(code_text, currency="EUR", now=now)
            barrier.wait(timeout=10)
            try:
                sponsor_codes.take_use(code, patient, 100, now=now)
            except Invalid as error:
                outcomes.append(error.errors["sponsor_code"][0])
            else:
                outcomes.append("taken")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=take, args=pair) for pair in zip(apps, patient_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_last_use_goes_to_one_patient_only(app, make_app, clock, make_account, make_code):
    patients = [make_account().id, make_account().id]
    apps = [make_app(CLOCK=clock) for _ in patients]
    for round_number in range(ROUNDS):
        code_id = make_code(f"LAST-USE-{round_number}", max_uses=3, uses=2).id
        outcomes = race(apps, patients, f"last-use-{round_number}", clock())
        assert sorted(outcomes) == sorted([sponsor_codes.USED_UP, "taken"])
        db.session.expire_all()
        assert db.session.get(SponsorCode, code_id).uses == 3
        uses = (
            select(func.count())
            .select_from(SponsorCodeUse)
            .where(SponsorCodeUse.code_id == code_id)
        )
        assert db.session.scalar(uses) == 1
