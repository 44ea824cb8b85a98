"""Sign up, sign in, sign out, and the profile page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from telesecond.clock import utcnow
from telesecond.extensions import limiter
from telesecond.services.accounts import credentials, registration
from telesecond.services.errors import ServiceError
from telesecond.web.forms import LoginForm, ProfileForm, RegisterForm
from telesecond.web.helpers import apply_errors, safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _start_session(account) -> None:
    session.clear()
    session.permanent = True
    login_user(account)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            account = registration.register(
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                role=form.role.data,
                timezone=form.timezone.data,
                phone=form.phone.data,
                ip=request.remote_addr,
                now=utcnow(),
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            _start_session(account)
            flash("Welcome to telesecond. Your account is ready.", "success")
            return redirect(url_for("auth.profile"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        account = credentials.authenticate(
            form.email.data, form.password.data, ip=request.remote_addr
        )
        if account is not None:
            _start_session(account)
            flash(f"Signed in as {account.full_name}.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
        form.form_errors.append("The email address or password is not correct.")
    status = 401 if form.form_errors else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.notify_by.data = current_user.channels
        form.sms_consent.data = current_user.sms_consent
    if form.validate_on_submit():
        changes = {
            "full_name": form.full_name.data,
            "timezone": form.timezone.data,
            "phone": form.phone.data,
            "notify_by": form.notify_by.data or [],
            "sms_consent": form.sms_consent.data,
        }
        try:
            registration.update_profile(current_user, changes, ip=request.remote_addr, now=utcnow())
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("auth.profile"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/profile.html", form=form), status
