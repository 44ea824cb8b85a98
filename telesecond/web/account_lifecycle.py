"""Pages of the account's lifecycle: confirm the address, forgotten and changed passwords.

A link from an email opens a page with a button: mail scanners that fetch links do not
press buttons, so a fetch never spends a link.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from telesecond.clock import utcnow
from telesecond.domain.passwords import min_length
from telesecond.extensions import limiter
from telesecond.http.limits import login_limit
from telesecond.services.accounts import passwords, verification
from telesecond.services.errors import Conflict, Invalid, ServiceError
from telesecond.web import signed_in
from telesecond.web.account_forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    ResetPasswordForm,
)
from telesecond.web.helpers import apply_errors, current_account

bp = Blueprint("lifecycle", __name__)


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def _bad_link(kind: str):
    return render_template("auth/bad_link.html", kind=kind), 404


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def verify_email(token: str):
    form = ConfirmForm()
    now = utcnow()
    if verification.pending_account(token, now=now) is None:
        return _bad_link("verify")
    if form.validate_on_submit():
        try:
            account = verification.verify(token, now=now, ip=request.remote_addr)
        except Invalid:
            return _bad_link("verify")
        if account.role == "patient":  # the next step of signing up: find a specialist
            return _on_to_the_directory()
        flash(_("Thank you: your email address is confirmed."), "success")
        target = "auth.profile" if current_user.is_authenticated else "auth.login"
        return redirect(url_for(target))
    return render_template("auth/verify_email.html", form=form), _status(form)


def _on_to_the_directory():
    """A patient who confirmed their address goes on to find a specialist (signing in
    first when this browser is not signed in as them)."""
    directory = url_for("directory.specialists")
    if current_user.is_authenticated:
        flash(_("Thank you: your email address is confirmed. Now find your specialist."), "success")
        return redirect(directory)
    flash(
        _("Thank you: your email address is confirmed. Sign in, then find your specialist."),
        "success",
    )
    return redirect(url_for("auth.login", next=directory))


@bp.post("/account/email-verification")
@login_required
def resend_verification():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("auth.profile"))
    try:
        verification.resend(current_account(), now=utcnow(), ip=request.remote_addr)
    except Conflict as error:
        flash(error.detail, "success")
    except ServiceError as error:
        flash(error.detail, "error")
    else:
        flash(
            _("We have sent a new confirmation link to %(email)s.", email=current_user.email),
            "success",
        )
    return redirect(url_for("auth.profile"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.request_reset(form.email.data, now=utcnow(), ip=request.remote_addr)
        except ServiceError as error:
            apply_errors(form, error)
        else:
            return render_template("auth/reset_sent.html")
    return render_template("auth/forgot_password.html", form=form), _status(form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token: str):
    now = utcnow()
    account = passwords.reset_account(token, now=now)
    if account is None:
        return _bad_link("reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset(token, form.password.data, now=now, ip=request.remote_addr)
        except Invalid as error:
            if "token" in error.errors:
                return _bad_link("reset")
            apply_errors(form, error)
        else:
            if current_user.is_authenticated:
                signed_in.finish()
            flash(_("Your new password is set. Please sign in with it."), "success")
            return redirect(url_for("auth.login"))
    hint = _("At least %(num)d characters, hard to guess.", num=min_length(account.role))
    return render_template("auth/reset_password.html", form=form, hint=hint), _status(form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    account = current_account()
    if form.validate_on_submit():
        try:
            passwords.change(
                account,
                form.current_password.data,
                form.new_password.data,
                now=utcnow(),
                keep_session_id=signed_in.current_session_id(),
                ip=request.remote_addr,
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash(
                _("Your password is changed. Every other session has been signed out."), "success"
            )
            return redirect(url_for("auth.profile"))
    hint = _("At least %(num)d characters, hard to guess.", num=min_length(account.role))
    return render_template("auth/change_password.html", form=form, hint=hint), _status(form)
