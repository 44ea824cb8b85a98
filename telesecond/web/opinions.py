"""The written opinion in the browser: the specialist's draft (autosaved), preview and
signature, the signed document with its addenda and follow-up questions, sending it to
the patient's doctor, and the admin's quality figures."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.extensions import limiter
from telesecond.http.files import pdf_response
from telesecond.http.limits import SEND_LIMIT, sign_in_budget
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.opinions import (
    document,
    follow_ups,
    physician_links,
    second_opinion,
    signing,
)
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.opinion_forms import AddendumForm, FollowUpForm, OpinionForm, SignForm

bp = Blueprint("opinions", __name__)


def _answers_for(consultation, answers: list[str]) -> list[tuple[str, str]]:
    questions = list(consultation.questions or [])
    answers = (list(answers) + [""] * len(questions))[: len(questions)]
    return list(zip(questions, answers, strict=True))


def _save_draft(form: OpinionForm, consultation_id: int):
    """Save what the form holds as the draft (the service says what no draft can hold)."""
    return second_opinion.save_draft(
        current_account(),
        consultation_id,
        diagnosis_assessment=form.diagnosis_assessment.data or "",
        summary=form.summary.data or "",
        answers=request.form.getlist("answers"),
        recommendations=form.recommendations.data or "",
        ip=request.remote_addr,
        now=utcnow(),
    )


@bp.route("/consultations/<int:consultation_id>/opinion/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id: int):
    form = OpinionForm()
    if request.method == "GET":
        consultation, draft, opinion = second_opinion.open_for_editing(
            current_account(), consultation_id, ip=request.remote_addr
        )
        if opinion is not None:
            flash(_("This opinion is signed. Corrections go in a signed addendum."), "info")
            return redirect(url_for("opinions.view", consultation_id=consultation_id))
        if draft is not None:
            form.fill(draft)
        answers = list(draft.answers) if draft else []
    else:
        consultation, draft, opinion = second_opinion.editable(current_account(), consultation_id)
        answers = request.form.getlist("answers")
        if form.validate_on_submit():
            try:
                _save_draft(form, consultation_id)
            except Invalid as error:
                apply_errors(form, error)
            except Conflict as error:
                flash(error.detail, "error")
                return redirect(url_for("opinions.view", consultation_id=consultation_id))
            else:
                if request.form.get("action") == "preview":
                    return redirect(url_for("opinions.preview", consultation_id=consultation_id))
                flash(_("Your draft is saved. Only you can see it."), "success")
                return redirect(url_for("opinions.edit", consultation_id=consultation_id))
    failed = bool(form.errors or form.form_errors)
    return render_template(
        "opinions/edit.html",
        form=form,
        consultation=consultation,
        draft=draft,
        questions=_answers_for(consultation, answers),
        limits={"summary": second_opinion.MAX_SUMMARY, "answer": second_opinion.MAX_ANSWER},
    ), 422 if failed else 200


@bp.post("/consultations/<int:consultation_id>/opinion/draft")
@login_required
def autosave(consultation_id: int):
    """The editor's script saves here as the specialist types; JSON in return."""
    form = OpinionForm()
    if not form.validate_on_submit():
        return jsonify({"detail": _("The draft was not saved."), "errors": form.errors}), 422
    try:
        draft = _save_draft(form, consultation_id)
    except (Invalid, Conflict) as error:
        return jsonify({"detail": error.detail, "errors": error.errors}), error.status
    return jsonify({"saved_at": to_rfc3339(draft.updated_at), "status": "draft"})


def _preview_page(consultation_id: int, sign_form: SignForm, *, status: int = 200):
    consultation, draft, opinion = second_opinion.open_for_editing(
        current_account(), consultation_id, ip=request.remote_addr
    )
    if opinion is not None:
        return redirect(url_for("opinions.view", consultation_id=consultation_id))
    if draft is None:
        flash(str(signing.NOTHING_TO_SIGN), "error")
        return redirect(url_for("opinions.edit", consultation_id=consultation_id))
    problems: list[str] = []
    try:
        second_opinion.checked(
            consultation,
            draft.diagnosis_assessment,
            draft.summary,
            list(draft.answers or []),
            draft.recommendations,
        )
    except Invalid as error:
        problems = [m for messages in error.errors.values() for m in messages]
    refusal = signing.refusal(consultation, now=utcnow())
    return render_template(
        "opinions/preview.html",
        consultation=consultation,
        draft=draft,
        questions=_answers_for(consultation, draft.answers or []),
        assessment=second_opinion.ASSESSMENT_LABELS.get(draft.diagnosis_assessment, ""),
        problems=problems,
        refusal=refusal,
        form=sign_form,
        needs_code=signing.needs_code(current_account()),
    ), status


@bp.get("/consultations/<int:consultation_id>/opinion/preview")
@login_required
def preview(consultation_id: int):
    return _preview_page(consultation_id, SignForm())


@bp.post("/consultations/<int:consultation_id>/opinion/sign")
@sign_in_budget
@login_required
def sign(consultation_id: int):
    form = SignForm()
    if form.validate_on_submit():
        try:
            signing.sign(
                current_account(),
                consultation_id,
                password=form.password.data,
                otp=form.otp.data,
                ip=request.remote_addr,
                now=utcnow(),
            )
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.detail)
        else:
            flash(_("The opinion is signed. The patient has been told it is ready."), "success")
            return redirect(url_for("opinions.view", consultation_id=consultation_id))
    return _preview_page(consultation_id, form, status=422)


def _view_page(consultation_id: int, *, addendum=None, follow_up=None, status: int = 200):
    found = second_opinion.read(current_account(), consultation_id, request.remote_addr)
    if found.opinion is None:  # only the author reaches here with a draft
        return redirect(url_for("opinions.preview", consultation_id=consultation_id))
    consultation, opinion = found.consultation, found.opinion
    is_patient = current_user.id == consultation.patient_id
    is_specialist = current_user.id == consultation.specialist_id
    can_send = (
        is_patient
        and consultation.share_with_physician
        and bool(consultation.physician_contact.strip())
    )
    limit, days = follow_ups.limits()
    return render_template(
        "opinions/view.html",
        consultation=consultation,
        opinion=opinion,
        addenda=found.addenda,
        questions=found.questions,
        assessment=second_opinion.ASSESSMENT_LABELS.get(
            opinion.diagnosis_assessment, opinion.diagnosis_assessment
        ),
        is_specialist=is_specialist,
        can_send=can_send,
        addendum_form=(addendum or AddendumForm()) if is_specialist else None,
        needs_code=is_specialist and signing.needs_code(current_account()),
        follow_up_form=(follow_up or FollowUpForm()) if is_patient else None,
        follow_up_refusal=follow_ups.refusal(opinion, len(found.questions), now=utcnow()),
        follow_up_limit=limit,
        follow_up_days=days,
        follow_up_until=opinion.signed_at + timedelta(days=days) if opinion.signed_at else None,
    ), status


@bp.get("/consultations/<int:consultation_id>/opinion")
@login_required
def view(consultation_id: int):
    return _view_page(consultation_id)


@bp.get("/consultations/<int:consultation_id>/opinion/document")
@login_required
def document_page(consultation_id: int):
    """The signed opinion as the document to keep (the same content as the PDF)."""
    doc = document.read_document(
        current_account(), consultation_id, zone=current_user.timezone, ip=request.remote_addr
    )
    return document.opinion_html(doc)


@bp.get("/consultations/<int:consultation_id>/opinion.pdf")
@login_required
def document_pdf(consultation_id: int):
    """The signed opinion as a tagged PDF download."""
    doc = document.read_document(
        current_account(), consultation_id, zone=current_user.timezone, ip=request.remote_addr
    )
    return pdf_response(document.opinion_pdf(doc), document.pdf_filename(doc))


@bp.post("/consultations/<int:consultation_id>/opinion/addenda")
@sign_in_budget
@login_required
def add_addendum(consultation_id: int):
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            signing.add_addendum(
                current_account(),
                consultation_id,
                text=form.text.data,
                password=form.password.data,
                otp=form.otp.data,
                question_ids=_question_ids(),
                ip=request.remote_addr,
                now=utcnow(),
            )
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.detail)
        else:
            flash("The addendum is signed. The patient has been told.", "success")
            return redirect(url_for("opinions.view", consultation_id=consultation_id))
    return _view_page(consultation_id, addendum=form, status=422)


def _question_ids() -> list[int]:
    return sorted({int(v) for v in request.form.getlist("question_ids") if v.isdigit()})


@bp.post("/consultations/<int:consultation_id>/opinion/questions")
@login_required
def ask(consultation_id: int):
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            follow_ups.ask(
                current_account(),
                consultation_id,
                question=form.question.data,
                ip=request.remote_addr,
                now=utcnow(),
            )
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.detail)
        else:
            flash("Your question was sent. The specialist answers in an addendum.", "success")
            return redirect(url_for("opinions.view", consultation_id=consultation_id))
    return _view_page(consultation_id, follow_up=form, status=422)


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
