"""The opinion tests' case: the patient's questions and the specialist's written answer."""

from __future__ import annotations

QUESTIONS = ["Is surgery really needed now?", "Would radiotherapy alone be enough?"]
DIAGNOSIS = "Stage II ductal carcinoma of the left breast"
PHYSICIAN = "gp.hartmann@praxis.example"
SUMMARY = "The imaging supports the diagnosis; the tumour is small and well defined."
BODY = {
    "diagnosis_assessment": "refines",
    "summary": SUMMARY,
    "answers": ["Not urgently: within four weeks is safe.", "No, not on its own."],
    "recommendations": "Ask for a sentinel node biopsy.\n\nDiscuss hormone therapy.",
}

# The intake the opinion answers: the questions above, a physician to share it with.
INTAKE = {
    "reason": "I want to be sure before surgery.",
    "current_diagnosis": DIAGNOSIS,
    "proposed_treatment": "Mastectomy",
    "questions": list(QUESTIONS),
    "physician_name": "Dr Jonas Hartmann",
    "physician_contact": PHYSICIAN,
    "share_with_physician": True,
}


def write_signed(consultation, *, now, body: dict = BODY, copy_to_doctor: bool = True):
    """The specialist saves ``body`` as the draft and signs it at ``now`` (service level).

    ``copy_to_doctor=False``: as if the patient had not asked at booking for a copy to their
    doctor (none goes out at signing), though they may share it later. Signing before the
    call's end needs an app with ``OPINION_BEFORE_CALL``.
    """
    from telesecond.extensions import db
    from telesecond.services.opinions import second_opinion, signing
    from tests.credentials import PASSWORD

    asked = consultation.share_with_physician
    consultation.share_with_physician = asked and copy_to_doctor
    second_opinion.save_draft(consultation.specialist, consultation.id, ip=None, **body, now=now)
    opinion = signing.sign(
        consultation.specialist, consultation.id, password=PASSWORD, otp=None, ip=None, now=now
    )
    consultation.share_with_physician = asked
    db.session.commit()
    return opinion
