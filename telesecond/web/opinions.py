"""The written opinion in the browser: the specialist's editor, the printable document,
sending it to the patient's doctor, and the admin's quality figures."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import limiter
from telesecond.http.limits import SEND_LIMIT
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.opinions import physician_links, second_opinion
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.opinion_forms import OpinionForm

bp = Blueprint("opinions", __name__)


@bp.route("/consultations/<int:consultation_id>/opinion/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id: int):
    form = OpinionForm()
    wrong_answers: dict[int, str] = {}
    if request.method == "GET":
        consultation, opinion = second_opinion.open_for_editing(
            current_account(), consultation_id, ip=request.remote_addr
        )
        if opinion is not None:
            form.fill(opinion)
        answers = [a["answer"] for a in opinion.answers] if opinion else []
    else:
        consultation, opinion = second_opinion.editable(current_account(), consultation_id)
        answers = request.form.getlist("answers")
        valid = form.validate_on_submit()
        if "csrf_token" not in form.errors:
            # Shown beside each question, together with the form's own errors.
            wrong_answers = second_opinion.answer_errors(consultation, answers)
            form.form_errors.extend(wrong_answers.values())
        if valid and not wrong_answers:
            try:
                second_opinion.write(
                    current_account(),
                    consultation_id,
                    diagnosis_assessment=form.diagnosis_assessment.data,
                    summary=form.summary.data,
                    answers=answers,
                    recommendations=form.recommendations.data or "",
                    ip=request.remote_addr,
                    now=utcnow(),
                )
            except Invalid as error:  # a rule only the service knows
                apply_errors(form, error)
            else:
                flash(
                    f"Your opinion is saved. {consultation.patient.full_name} can read it now.",
                    "success",
                )
                return redirect(url_for("opinions.view", consultation_id=consultation_id))
    questions = list(consultation.questions or [])
    answers = (answers + [""] * len(questions))[: len(questions)]
    failed = form.errors or form.form_errors or wrong_answers
    return render_template(
        "opinions/edit.html",
        form=form,
        consultation=consultation,
        opinion=opinion,
        questions=list(zip(questions, answers, strict=True)),
        wrong_answers=wrong_answers,
        limits={"summary": second_opinion.MAX_SUMMARY, "answer": second_opinion.MAX_ANSWER},
    ), 422 if failed else 200


@bp.get("/consultations/<int:consultation_id>/opinion")
@login_required
def view(consultation_id: int):
    consultation, opinion = second_opinion.read(
        current_account(), consultation_id, request.remote_addr
    )
    can_send = (
        current_user.id == consultation.patient_id
        and consultation.share_with_physician
        and bool(consultation.physician_contact.strip())
    )
    return render_template(
        "opinions/view.html",
        consultation=consultation,
        opinion=opinion,
        assessment=second_opinion.ASSESSMENT_LABELS.get(
            opinion.diagnosis_assessment, opinion.diagnosis_assessment
        ),
        is_specialist=current_user.id == consultation.specialist_id,
        can_send=can_send,
    )


@bp.post("/consultations/<int:consultation_id>/opinion/send")
@limiter.limit(SEND_LIMIT)
@login_required
def send(consultation_id: int):
    try:
        physician_links.send_to_physician(
            current_account(),
            consultation_id,
            mailer=registry.current().mail,
            mail_from=current_app.config["MAIL_FROM"],
            ip=request.remote_addr,
            organisation=current_app.config["ORGANISATION_NAME"],
            now=utcnow(),
        )
    except (physician_links.MailUnavailable, Conflict) as error:
        # Not being able to send is news for this page; 403 and 404 stay error pages.
        flash(error.detail, "error")
    else:
        flash("The opinion was sent to your doctor.", "success")
    return redirect(url_for("opinions.view", consultation_id=consultation_id))


@bp.get("/admin/opinions")
@login_required
def admin():
    if current_user.role != "admin":
        abort(403)
    counts = second_opinion.assessment_counts()
    return render_template(
        "opinions/admin.html",
        counts=counts,
        total=sum(counts.values()),
        labels=second_opinion.ASSESSMENT_LABELS,
    )
