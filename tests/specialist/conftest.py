"""The specialist's week: a Berlin specialist, two patients, records and an opinion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from telesecond.models import Account, Consultation
from telesecond.services.consultations import documents
from tests.file_samples import MINIMAL_PDF, tiny_png
from tests.opinions.scenario import write_signed

# The clock starts on Monday 2 March 2026, 09:00 UTC (10:00 in Berlin).
TODAY_11 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # 11:00-12:00 Berlin, today
TOMORROW_10 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 10:00-11:00 Berlin, Tuesday
NEXT_WEEK = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # past the dashboard's seven days
DIAGNOSIS_A = "Invasive ductal carcinoma, stage II"
DIAGNOSIS_B = "Chronic lymphocytic leukaemia"


@dataclass
class Week:
    doctor: Account
    anna: Account
    ben: Account
    signed: Consultation  # today, two records, a signed opinion
    waiting: Consultation  # tomorrow, no record, no opinion yet
    later: Consultation  # after the seven days


@pytest.fixture
def week(make_specialist, make_account, book_consultation, clock) -> Week:
    """Two consultations in the dashboard's days (2 and 0 records) and one beyond them.

    The clock ends at 12:30 Berlin on Monday, after today's call, whose opinion is signed.
    """
    doctor = make_specialist(full_name="Dr Lena Vogel", horizon=30)
    anna = make_account(full_name="Anna Schmidt")
    ben = make_account(full_name="Ben Okoro")
    signed = book_consultation(
        anna, doctor, start=TODAY_11, current_diagnosis=DIAGNOSIS_A, share_with_physician=False
    )
    waiting = book_consultation(ben, doctor, start=TOMORROW_10, current_diagnosis=DIAGNOSIS_B)
    later = book_consultation(ben, doctor, start=NEXT_WEEK)
    for name, data in (("biopsy.pdf", MINIMAL_PDF), ("scan.png", tiny_png())):
        documents.upload(anna, signed.id, filename=name, kind="pathology", data=data, now=clock())
    clock.advance(hours=2, minutes=30)  # 12:30 Berlin: today's call is over
    write_signed(signed, now=clock(), copy_to_doctor=False)
    return Week(doctor, anna, ben, signed, waiting, later)
