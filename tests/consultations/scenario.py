"""The booking pages' case: a New York specialist's Monday hours and a patient's intake."""

from __future__ import annotations

from telesecond.domain.intake import Intake

NEW_YORK = "America/New_York"
# Mondays 09:00-12:00 and 13:00-15:00 New York time.
MONDAY_HOURS = [(0, 540, 720), (0, 780, 900)]

INTAKE = Intake(
    patient_region="DE",
    reason="Is breast-conserving surgery possible?",
    current_diagnosis="Invasive ductal carcinoma, stage IIA",
    proposed_treatment="Mastectomy followed by chemotherapy",
    questions=["Would lumpectomy be enough?", "Do I need chemotherapy first?"],
    physician_name="Dr Jonas Richter",
    physician_contact="richter@example.org",
    share_with_physician=True,
    interpreter_language="es",
    telehealth_consent=True,
)
