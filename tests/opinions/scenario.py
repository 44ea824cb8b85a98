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
