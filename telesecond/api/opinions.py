"""The written opinion: draft, sign, read, addenda, follow-up questions, the doctor's copy."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from telesecond.adapters import registry
from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.intake import MAX_QUESTIONS
from telesecond.extensions import limiter
from telesecond.http.files import pdf_response
from telesecond.http.limits import SEND_LIMIT, sign_in_budget
from telesecond.models import FollowUpQuestion, Opinion, OpinionAddendum, OpinionDraft
from telesecond.services.errors import NotFound
from telesecond.services.opinions import (
    document,
    follow_ups,
    physician_links,
    second_opinion,
    signing,
)


def _addendum_json(addendum: OpinionAddendum) -> dict:
    return {
        "id": addendum.id,
        "number": addendum.number,
        "text": addendum.text,
        "signed_by": addendum.signed_by_id,
        "signed_at": to_rfc3339(addendum.signed_at),
        "digest": addendum.digest,
    }


def _question_json(question: FollowUpQuestion) -> dict:
    return {
        "id": question.id,
        "question": question.question,
        "asked_at": to_rfc3339(question.asked_at),
        "answered_in": question.answered_in.number if question.answered_in else None,
    }


def opinion_json(
    opinion: Opinion,
    addenda: list[OpinionAddendum] = (),  # type: ignore[assignment]
    questions: list[FollowUpQuestion] = (),  # type: ignore[assignment]
) -> dict:
    """The signed opinion with each answer beside its question, its addenda and follow-ups."""
    return {
        "consultation_id": opinion.consultation_id,
        "status": "signed",
        "specialist_id": opinion.specialist_id,
        "diagnosis_assessment": opinion.diagnosis_assessment,
        "summary": opinion.summary,
        "answers": [
            {"question": a["question"], "answer": a["answer"]} for a in opinion.answers or []
        ],
        "recommendations": opinion.recommendations,
        "created_at": to_rfc3339(opinion.created_at),
        "updated_at": to_rfc3339(opinion.updated_at),
        "signed_at": to_rfc3339(opinion.signed_at),
        "signed_by": opinion.signed_by_id,
        "digest": opinion.digest,
        "sent_to_physician_at": to_rfc3339(opinion.sent_to_physician_at),
        "physician_copy_error": opinion.physician_copy_error,
        "addenda": [_addendum_json(a) for a in addenda],
        "follow_up_questions": [_question_json(q) for q in questions],
    }


def draft_json(draft: OpinionDraft, questions: list[str]) -> dict:
    """The author's draft: answers paired with the questions they answer so far."""
    answers = list(draft.answers or [])
    return {
        "consultation_id": draft.consultation_id,
        "status": "draft",
        "specialist_id": draft.specialist_id,
        "diagnosis_assessment": draft.diagnosis_assessment or None,
        "summary": draft.summary,
        "answers": [
            {"question": q, "answer": answers[i] if i < len(answers) else ""}
            for i, q in enumerate(questions)
        ],
        "recommendations": draft.recommendations,
        "created_at": to_rfc3339(draft.created_at),
        "updated_at": to_rfc3339(draft.updated_at),
    }


@bp.put("/consultations/<int:consultation_id>/opinion")
@documented(
    "Specialist: save the draft of the opinion (incomplete is fine); 409 once signed",
    body="OpinionInput",
    response="OpinionDraft",
    errors=("400", "403", "404", "409", "413", "415", "422"),
)
@require_auth()
def put_opinion(consultation_id: int):
    # The service decides: 403 for the consultation's patient, 404 for anyone else.
    f = Fields(json_object())
    assessment = f.string("diagnosis_assessment", required=False, default="", max_len=20)
    summary = f.string("summary", required=False, default="", max_len=second_opinion.MAX_SUMMARY)
    answers = f.strings(
        "answers", required=False, max_items=MAX_QUESTIONS * 5, max_len=second_opinion.MAX_ANSWER
    )
    recommendations = f.string(
        "recommendations", required=False, default="", max_len=second_opinion.MAX_RECOMMENDATIONS
    )
    f.check()
    draft = second_opinion.save_draft(
        g.api_account,
        consultation_id,
        diagnosis_assessment=assessment or "",
        summary=summary or "",
        answers=answers or [],
        recommendations=recommendations or "",
        ip=request.remote_addr,
        now=utcnow(),
    )
    return jsonify(draft_json(draft, list(draft.consultation.questions or [])))


@bp.post("/consultations/<int:consultation_id>/opinion/sign")
@documented(
    "Specialist: sign the draft with the password (and otp with a second factor)",
    body="OpinionSignature",
    response="Opinion",
    errors=("400", "403", "404", "409", "422", "429"),
)
@sign_in_budget
@require_auth()
def sign_opinion(consultation_id: int):
    f = Fields(json_object())
    password = f.string("password", max_len=1000)
    otp = f.string("otp", required=False, max_len=100)
    f.check()
    opinion = signing.sign(
        g.api_account,
        consultation_id,
        password=password or "",
        otp=otp,
        ip=request.remote_addr,
        now=utcnow(),
    )
    return jsonify(opinion_json(opinion))


@bp.get("/consultations/<int:consultation_id>/opinion")
@documented(
    "The signed opinion with its addenda and follow-up questions (404 until signed; its "
    "author sees the draft); every read is audited",
    response="Opinion",
    errors=("404",),
)
@require_auth()
def get_opinion(consultation_id: int):
    found = second_opinion.read(g.api_account, consultation_id, request.remote_addr)
    if found.opinion is None:
        return jsonify(draft_json(found.draft, list(found.consultation.questions or [])))
    return jsonify(opinion_json(found.opinion, found.addenda, found.questions))


@bp.get("/consultations/<int:consultation_id>/opinion.pdf")
@documented(
    "The signed opinion as a tagged PDF (PDF/UA) in the patient's language, with its addenda "
    "and the signature's digest (404 until signed); every read is audited",
    errors=("404",),
)
@require_auth()
def get_opinion_pdf(consultation_id: int):
    doc = document.read_document(
        g.api_account, consultation_id, zone=g.api_account.timezone, ip=request.remote_addr
    )
    return pdf_response(document.opinion_pdf(doc), document.pdf_filename(doc))


@bp.post("/consultations/<int:consultation_id>/opinion/addenda")
@documented(
    "Specialist: sign a dated addendum under the signed opinion (may answer follow-ups)",
    body="AddendumInput",
    ok="201",
    response="Addendum",
    errors=("400", "403", "404", "409", "422", "429"),
)
@sign_in_budget
@require_auth()
def post_addendum(consultation_id: int):
    f = Fields(json_object())
    text = f.string("text", max_len=signing.MAX_ADDENDUM)
    password = f.string("password", max_len=1000)
    otp = f.string("otp", required=False, max_len=100)
    question_ids = f.custom("question_ids", _ids, required=False)
    f.check()
    addendum = signing.add_addendum(
        g.api_account,
        consultation_id,
        text=text or "",
        password=password or "",
        otp=otp,
        question_ids=question_ids or [],
        ip=request.remote_addr,
        now=utcnow(),
    )
    return jsonify(_addendum_json(addendum)), 201


def _ids(value) -> list[int]:
    if not isinstance(value, list) or len(value) > 100:
        raise ValueError("Give a list of question ids.")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value):
        raise ValueError("Each question id is a whole number.")
    return sorted(set(value))


@bp.post("/consultations/<int:consultation_id>/follow-up-questions")
@documented(
    "Patient: ask a follow-up question on the signed opinion (FOLLOW_UP_QUESTIONS within "
    "FOLLOW_UP_DAYS; 409 beyond)",
    body="FollowUpInput",
    ok="201",
    response="FollowUpQuestion",
    errors=("400", "403", "404", "409", "422"),
)
@require_auth()
def post_follow_up(consultation_id: int):
    f = Fields(json_object())
    question = f.string("question", max_len=follow_ups.MAX_QUESTION)
    f.check()
    row = follow_ups.ask(
        g.api_account,
        consultation_id,
        question=question or "",
        ip=request.remote_addr,
        now=utcnow(),
    )
    return jsonify(_question_json(row)), 201


@bp.get("/consultations/<int:consultation_id>/follow-up-questions")
@documented(
    "The follow-up questions on the signed opinion, each with the addendum answering it "
    "(404 until signed); audited as a read of the opinion",
    response="FollowUpQuestions",
    errors=("404",),
)
@require_auth()
def get_follow_ups(consultation_id: int):
    found = second_opinion.read(g.api_account, consultation_id, request.remote_addr)
    if found.opinion is None:
        raise NotFound(second_opinion.NOT_YET)
    return jsonify({"items": [_question_json(q) for q in found.questions], "next": None})


@bp.post("/consultations/<int:consultation_id>/opinion/send-to-physician")
@documented(
    "Patient: email the opinion to the doctor named at booking (if agreed then)",
    response="OpinionSent",
    errors=("403", "404", "409", "429"),
)
@limiter.limit(SEND_LIMIT)
@require_auth()
def send_opinion_to_physician(consultation_id: int):
    opinion = physician_links.send_to_physician(
        g.api_account,
        consultation_id,
        mailer=registry.current().mail,
        mail_from=current_app.config["MAIL_FROM"],
        ip=request.remote_addr,
        organisation=current_app.config["ORGANISATION_NAME"],
        now=utcnow(),
    )
    return jsonify({"sent_to_physician_at": to_rfc3339(opinion.sent_to_physician_at)})


@bp.get("/admin/opinion-stats")
@documented(
    "Admin: how many opinions agree with, refine or differ from the diagnosis",
    response="OpinionStats",
    errors=("403",),
)
@require_auth("admin")
def opinion_stats():
    counts = second_opinion.assessment_counts()
    return jsonify({**counts, "total": sum(counts.values())})
