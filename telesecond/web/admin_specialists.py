"""Admin pages: the specialists to review, and one specialist's licences and state."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from telesecond.clock import utcnow
from telesecond.domain.licensure import is_current, lapses_at
from telesecond.models.licence import VERIFICATION_STATES
from telesecond.services.admin import licence_checks
from telesecond.services.admin import specialists as admin
from telesecond.services.errors import ServiceError
from telesecond.web.admin_access import admins_only
from telesecond.web.admin_specialist_forms import MAX_ROWS, ROWS, ReasonForm, VerifyForm
from telesecond.web.helpers import current_account

bp = Blueprint("admin_specialists", __name__, url_prefix="/admin/specialists")

STATE_LABELS = {
    "pending": _l("Pending review"),
    "verified": _l("Verified"),
    "refused": _l("Refused"),
    "suspended": _l("Suspended"),
}

# The state in which each reasoned decision's form is on the page.
SHOWN_IN = {"refuse": "pending", "suspend": "verified", "reinstate": "suspended"}


bp.before_request(admins_only)


@bp.app_template_filter("licence_current")
def licence_current(licence) -> bool:
    return is_current(licence.expires_on, utcnow())


@bp.get("")
def index():
    """Specialists by state, with their claims, and consultations a lapse left uncovered."""
    state = request.args.get("verification") or None
    if state is not None and state not in VERIFICATION_STATES:
        state, problem = None, _("Choose one of the states listed.")
    else:
        problem = None
    now = utcnow()
    profiles = admin.list_specialists(current_account(), verification=state)
    return render_template(
        "admin/specialists.html",
        profiles=profiles,
        state=state,
        problem=problem,
        states=STATE_LABELS,
        flags=licence_checks.lapse_flags(now),
        lapses_at=lapses_at,
    ), (422 if problem else 200)


def _rows() -> int:
    raw = request.args.get("rows", "")
    return min(max(int(raw), ROWS), MAX_ROWS) if raw.isdigit() and len(raw) < 4 else ROWS


def _page(specialist_id: int, *, status: int = 200, **forms):
    now = utcnow()
    actor = current_account()
    profile = admin.get(actor, specialist_id)
    verify_form = forms.get("verify") or VerifyForm(prefix="verify", formdata=None)
    while len(verify_form.licences) < _rows():
        verify_form.licences.append_entry()
    return render_template(
        "admin/specialist.html",
        profile=profile,
        states=STATE_LABELS,
        verify_form=verify_form,
        refuse_form=forms.get("refuse") or ReasonForm(prefix="refuse", formdata=None),
        suspend_form=forms.get("suspend") or ReasonForm(prefix="suspend", formdata=None),
        reinstate_form=forms.get("reinstate") or ReasonForm(prefix="reinstate", formdata=None),
        upcoming=admin.upcoming_consultations(actor, specialist_id, now),
        flags=licence_checks.lapse_flags(now, specialist_id=specialist_id),
        more_rows=min(len(verify_form.licences) + 1, MAX_ROWS),
        max_rows=MAX_ROWS,
    ), status


@bp.get("/<int(max=2147483647):specialist_id>")
def detail(specialist_id: int):
    """One specialist: claims, verified licences, decisions, and consultations to review."""
    return _page(specialist_id)


def _done(specialist_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("admin_specialists.detail", specialist_id=specialist_id))


@bp.post("/<int(max=2147483647):specialist_id>/verify")
def verify(specialist_id: int):
    form = VerifyForm(prefix="verify")
    if form.validate_on_submit():
        try:
            admin.verify(
                current_account(),
                specialist_id,
                form.entries(),
                note=form.note.data,
                now=utcnow(),
                ip=request.remote_addr,
            )
        except ServiceError as error:
            form.form_errors.extend(error.errors.get("licences") or [error.detail])
        else:
            return _done(specialist_id, _("Verified: the specialist is listed for patients."))
    return _page(specialist_id, status=422, verify=form)


def _reasoned(specialist_id: int, kind: str, action, message: str):
    form = ReasonForm(prefix=kind)
    if form.validate_on_submit():
        try:
            action(
                current_account(),
                specialist_id,
                reason=form.reason.data,
                now=utcnow(),
                ip=request.remote_addr,
            )
        except ServiceError as error:
            form.form_errors.append(error.detail)
            # The form may not be on the page in the current state: say it at the top too.
            flash(error.detail, "error")
        else:
            return _done(specialist_id, message)
    elif admin.get(current_account(), specialist_id).verification != SHOWN_IN[kind]:
        # Its form is not on the page in this state: say what is wrong at the top.
        for problem in form.reason.errors:
            flash(str(problem), "error")
    return _page(specialist_id, status=422, **{kind: form})


@bp.post("/<int(max=2147483647):specialist_id>/refuse")
def refuse(specialist_id: int):
    return _reasoned(
        specialist_id,
        "refuse",
        admin.refuse,
        _("Refused: the applicant is emailed the reason."),
    )


@bp.post("/<int(max=2147483647):specialist_id>/suspend")
def suspend(specialist_id: int):
    return _reasoned(
        specialist_id,
        "suspend",
        admin.suspend,
        _("Suspended: the specialist is signed out everywhere and hidden from patients."),
    )


@bp.post("/<int(max=2147483647):specialist_id>/reinstate")
def reinstate(specialist_id: int):
    return _reasoned(
        specialist_id,
        "reinstate",
        admin.reinstate,
        _("Reinstated: the specialist is listed again."),
    )
