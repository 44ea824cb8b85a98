"""The patient's own doctor: the page their link opens, and the patient's side of it.

The doctor needs no account: the link is the key (and, where the clinic asks, a code or
the patient's date of birth). The patient names the doctor and withdraws links from
their consultation page.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import Length

from telesecond.clock import utcnow
from telesecond.domain.intake import Doctor
from telesecond.http.files import pdf_response
from telesecond.services.consultations import access, physician
from telesecond.services.errors import Invalid
from telesecond.services.opinions import (
    document,
    physician_link_checks,
    physician_links,
    second_opinion,
)
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.specialist_forms import no_nul

bp = Blueprint("physician_links", __name__)

# The links whose check this browser answered (kept short: a doctor opens a few at most).
PASSED = "physician_links_passed"
PASSED_KEEP = 10


def _private(page):
    # The token is the key: keep it out of caches and other sites' Referer headers.
    page.headers["Cache-Control"] = "no-store"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def _check_page(token: str, kind: str, tries_left: int, errors: list[str], status: int):
    page = make_response(
        render_template(
            "physician_links/check.html",
            token=token,
            kind=kind,
            prompt=str(physician_link_checks.PROMPTS[kind]),
            tries_left=tries_left,
            errors=errors,
        ),
        status,
    )
    return _private(page)


@bp.get("/opinions/shared/<token>")
def shared(token: str):
    """The opinion behind a live link (404 once withdrawn or expired); each open is audited."""
    try:
        consultation, opinion = physician_links.open_shared(
            token, now=utcnow(), ip=request.remote_addr, passed=session.get(PASSED, [])
        )
    except physician_link_checks.CheckRequired as needed:
        return _check_page(token, needed.kind, needed.tries_left, [], 200)
    page = make_response(
        render_template(
            "physician_links/shared.html",
            consultation=consultation,
            opinion=opinion,
            assessment=second_opinion.ASSESSMENT_LABELS.get(
                opinion.diagnosis_assessment, opinion.diagnosis_assessment
            ),
            is_specialist=False,
            can_send=False,
            token=token,
        )
    )
    return _private(page)


@bp.get("/opinions/shared/<token>.pdf")
def shared_pdf(token: str):
    """The same opinion as its signed PDF, behind the same link and check; audited."""
    try:
        consultation, opinion = physician_links.open_shared(
            token, now=utcnow(), ip=request.remote_addr, passed=session.get(PASSED, [])
        )
    except physician_link_checks.CheckRequired:
        return _private(redirect(url_for("physician_links.shared", token=token)))
    doc = document.document_of(consultation, opinion)
    return pdf_response(document.opinion_pdf(doc), document.pdf_filename(doc))


@bp.post("/opinions/shared/<token>")
def answer(token: str):
    """The doctor's answer to the link's check: right opens the page, wrong is counted."""
    text = (request.form.get("answer") or "").replace("\x00", "")[:100]
    try:
        link_id = physician_links.answer_check(token, text, now=utcnow(), ip=request.remote_addr)
    except Invalid as wrong:
        return _check_page(
            token, wrong.extra["kind"], wrong.extra["tries_left"], wrong.errors["answer"], 422
        )
    session[PASSED] = [*session.get(PASSED, []), link_id][-PASSED_KEEP:]
    return _private(redirect(url_for("physician_links.shared", token=token)))


class DoctorForm(FlaskForm):
    """The patient's own doctor, as on the booking form, and the patient's date of birth."""

    physician_name = StringField(_l("Your doctor's name"), validators=[no_nul, Length(max=200)])
    physician_practice = StringField(
        _l("Their practice or clinic"), validators=[no_nul, Length(max=200)]
    )
    physician_contact = EmailField(
        _l("Your doctor's email address"), validators=[no_nul, Length(max=254)]
    )
    share_with_physician = BooleanField(_l("Send my doctor a copy of the written opinion"))
    patient_birth_date = StringField(_l("Your date of birth"), validators=[no_nul, Length(max=10)])


@bp.route("/consultations/<int(max=2147483647):consultation_id>/doctor", methods=["GET", "POST"])
@login_required
def doctor(consultation_id: int):
    """The patient names or changes their doctor after booking."""
    consultation = access.get_for(current_account(), consultation_id)
    if current_user.id != consultation.patient_id:
        abort(403)
    form = DoctorForm(obj=consultation)
    if form.validate_on_submit():
        try:
            physician.update_doctor(
                current_account(),
                consultation_id,
                Doctor(
                    form.physician_name.data or "",
                    form.physician_practice.data or "",
                    form.physician_contact.data or "",
                    bool(form.share_with_physician.data),
                ),
                birth_date=form.patient_birth_date.data or "",
                now=utcnow(),
                ip=request.remote_addr,
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your doctor's details are saved."), "success")
            return redirect(
                url_for("consultations.detail", consultation_id=consultation_id) + "#doctor"
            )
    status = 422 if form.errors or form.form_errors else 200
    return render_template("physician_links/doctor.html", form=form, c=consultation), status


@bp.post("/consultations/<int(max=2147483647):consultation_id>/doctor/withdraw")
@login_required
def withdraw(consultation_id: int):
    """Withdraw every live link the patient's doctor has to the opinion."""
    physician_links.revoke(current_account(), consultation_id, now=utcnow(), ip=request.remote_addr)
    flash(
        _("The link is withdrawn: your doctor can no longer open the opinion with it."), "success"
    )
    return redirect(url_for("consultations.detail", consultation_id=consultation_id) + "#doctor")
