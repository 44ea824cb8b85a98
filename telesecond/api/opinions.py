"""The specialist's written opinion: write, read, send to the patient's doctor; admin figures."""

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
from telesecond.http.limits import SEND_LIMIT
from telesecond.models import Opinion
from telesecond.services.opinions import physician_links, second_opinion


def opinion_json(opinion: Opinion) -> dict:
    """The opinion with each answer beside the question it answers."""
    return {
        "consultation_id": opinion.consultation_id,
        "specialist_id": opinion.specialist_id,
        "diagnosis_assessment": opinion.diagnosis_assessment,
        "summary": opinion.summary,
        "answers": [
            {"question": a["question"], "answer": a["answer"]} for a in opinion.answers or []
        ],
        "recommendations": opinion.recommendations,
        "created_at": to_rfc3339(opinion.created_at),
        "updated_at": to_rfc3339(opinion.updated_at),
        "sent_to_physician_at": to_rfc3339(opinion.sent_to_physician_at),
    }


@bp.put("/consultations/<int:consultation_id>/opinion")
@documented(
    "Specialist: write or revise the opinion (one answer per patient question)",
    body="OpinionInput",
    response="Opinion",
    errors=("400", "403", "404", "409", "413", "415", "422"),
)
@require_auth()
def put_opinion(consultation_id: int):
    # The service decides: 403 for the consultation's patient, 404 for anyone else.
    f = Fields(json_object())
    assessment = f.string("diagnosis_assessment", max_len=20)
    summary = f.string("summary", max_len=second_opinion.MAX_SUMMARY)
    answers = f.strings("answers", max_items=MAX_QUESTIONS * 5, max_len=second_opinion.MAX_ANSWER)
    recommendations = f.string(
        "recommendations", required=False, default="", max_len=second_opinion.MAX_RECOMMENDATIONS
    )
    f.check()
    opinion = second_opinion.write(
        g.api_account,
        consultation_id,
        diagnosis_assessment=assessment or "",
        summary=summary or "",
        answers=answers or [],
        recommendations=recommendations or "",
        ip=request.remote_addr,
        now=utcnow(),
    )
    return jsonify(opinion_json(opinion))


@bp.get("/consultations/<int:consultation_id>/opinion")
@documented(
    "The consultation's opinion (404 until written); every read is audited",
    response="Opinion",
    errors=("404",),
)
@require_auth()
def get_opinion(consultation_id: int):
    found = second_opinion.read(g.api_account, consultation_id, request.remote_addr)
    return jsonify(opinion_json(found.opinion))


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
