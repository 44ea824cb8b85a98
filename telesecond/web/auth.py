"""Sign up, sign in, sign out, and the profile page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from telesecond.clock import utcnow
from telesecond.http.limits import sign_in_budget
from telesecond.services import languages
from telesecond.services.accounts import credentials, home_region, registration, sessions
from telesecond.services.errors import NotFound, ServiceError
from telesecond.web import second_factor as second_factor_step
from telesecond.web import signed_in
from telesecond.web.forms import LoginForm, ProfileForm, RegisterForm
from telesecond.web.helpers import apply_errors, current_account, safe_next
from telesecond.web.landing import landing_for

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
@sign_in_budget
def register():
    form = RegisterForm()
    if request.method == "GET" and request.args.get("role") in registration.SELF_SERVICE_ROLES:
        form.role.data = request.args["role"]  # "Create a specialist account" links here
    if form.validate_on_submit():
        try:
            registration.register(
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                role=form.role.data,
                timezone=form.timezone.data,
                phone=form.phone.data,
                language=languages.current_tag(),
                sms_consent=form.sms_consent.data,
                ip=request.remote_addr,
                now=utcnow(),
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            # The same page whether or not the address already had an account.
            return render_template("auth/check_email.html", role=form.role.data)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@sign_in_budget
def login():
    form = LoginForm()
    if form.validate_on_submit():
        account = credentials.authenticate(
            form.email.data, form.password.data, ip=request.remote_addr, now=utcnow()
        )
        if account is not None and second_factor_step.wanted(account):
            return second_factor_step.start(account, request.args.get("next"))
        if account is not None:
            signed_in.begin(account)
            flash(_("Signed in as %(name)s.", name=account.full_name), "success")
            return redirect(safe_next(request.args.get("next"), landing_for(account)))
        form.form_errors.append(_("The email address or password is not correct."))
    status = 401 if form.form_errors else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    signed_in.finish()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.notify_by.data = current_user.channels
        form.sms_consent.data = current_user.sms_consent
        form.region.data = home_region.label(current_user.region)
    if current_user.role != "patient":
        del form.region
    if form.validate_on_submit():
        changes = {
            "full_name": form.full_name.data,
            "timezone": form.timezone.data,
            "phone": form.phone.data,
            "notify_by": form.notify_by.data or [],
            "sms_consent": form.sms_consent.data,
        }
        if "region" in form:
            changes["region"] = form.region.data
        try:
            registration.update_profile(current_user, changes, ip=request.remote_addr, now=utcnow())
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/profile.html", form=form), status


@bp.get("/account/sessions")
@login_required
def sessions_page():
    now = utcnow()
    account = current_account()
    return render_template(
        "auth/sessions.html",
        sessions=sessions.live_sessions(account, now=now, idle=signed_in.idle_limit()),
        tokens=sessions.live_tokens(account, now=now),
        current_id=signed_in.current_session_id(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    try:
        sessions.end_one(current_account(), session_id, now=utcnow(), ip=request.remote_addr)
    except NotFound:
        abort(404)
    if session_id == signed_in.current_session_id():
        signed_in.finish()
        flash(_("You are signed out."), "success")
        return redirect(url_for("auth.login"))
    flash(_("That session has ended."), "success")
    return redirect(url_for("auth.sessions_page"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        sessions.revoke_token(current_account(), token_id, now=utcnow(), ip=request.remote_addr)
    except NotFound:
        abort(404)
    flash(_("That API token no longer works."), "success")
    return redirect(url_for("auth.sessions_page"))


@bp.post("/account/sessions/end-all")
@login_required
def end_all_sessions():
    sessions.sign_out_everywhere(current_account(), now=utcnow(), ip=request.remote_addr)
    signed_in.finish()
    flash(_("You are signed out everywhere."), "success")
    return redirect(url_for("auth.login"))
