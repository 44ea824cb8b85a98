"""The account's two-factor page: authenticator app, recovery codes and passkeys.

While ``CLINICIAN_2FA_REQUIRED`` is on, a signed-in specialist or admin without a second
factor is sent here from every other page (signing out aside) until one is set up.
"""

from __future__ import annotations

import segno
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
from flask_babel import gettext as _
from flask_login import current_user, login_required

from telesecond.clock import utcnow
from telesecond.domain.second_factor import group_secret
from telesecond.services.accounts import passkeys, second_factor
from telesecond.services.errors import Conflict, NotFound, ServiceError
from telesecond.web import passkey_json
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.two_factor_forms import DisableTotpForm, PasswordForm, TotpConfirmForm

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")

# Pages a clinician who must enrol may still open.
OPEN_WHILE_ENROLLING = {"auth.logout", "static"}
REGISTER = "register"


def _required() -> bool:
    return bool(current_app.config.get("CLINICIAN_2FA_REQUIRED"))


@bp.before_app_request
def clinicians_enrol_first():
    """Send a clinician without a second factor to this page, while one is required."""
    if not _required() or request.blueprint in (bp.name, "api", "second_factor"):
        return None
    if request.endpoint in OPEN_WHILE_ENROLLING or not current_user.is_authenticated:
        return None
    if not second_factor.must_enrol(current_account(), required=True):
        return None
    if request.method == "GET":
        flash(_("Set up two-factor sign-in to continue: clinicians need it."), "warning")
    return redirect(url_for("two_factor.overview"))


@bp.get("")
@login_required
def overview(recovery_form=None, disable_form=None, remove_form=None, status=200):
    account = current_account()
    return render_template(
        "auth/two_factor.html",
        factors=second_factor.overview(account),
        must_enrol=second_factor.must_enrol(account, required=_required()),
        recovery_form=recovery_form or PasswordForm(prefix="recovery"),
        disable_form=disable_form or DisableTotpForm(prefix="disable"),
        remove_form=remove_form or PasswordForm(prefix="remove"),
    ), status


@bp.post("/totp/start")
@login_required
def start_totp():
    try:
        second_factor.start_totp(current_account(), now=utcnow())
    except Conflict as error:
        flash(error.detail, "error")
        return redirect(url_for("two_factor.overview"))
    return redirect(url_for("two_factor.enrol_totp"))


@bp.route("/totp", methods=["GET", "POST"])
@login_required
def enrol_totp():
    account = current_account()
    row = second_factor.pending_totp(account)
    if row is None:
        return redirect(url_for("two_factor.overview"))
    form = TotpConfirmForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_totp(
                account, form.code.data, now=utcnow(), ip=request.remote_addr
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("auth/two_factor_recovery.html", codes=codes)
    uri = second_factor.provisioning_uri(
        row, email=account.email, issuer=current_app.config["ORGANISATION_NAME"]
    )
    qr = segno.make(uri, error="m").svg_inline(
        scale=4, border=2, title="QR code for your authenticator app"
    )
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "auth/two_factor_totp.html", form=form, qr=qr, secret=group_secret(row.secret)
    ), status


@bp.post("/recovery-codes")
@login_required
def regenerate_recovery_codes():
    form = PasswordForm(prefix="recovery")
    if form.validate_on_submit():
        try:
            codes = second_factor.regenerate_recovery_codes(
                current_account(), form.password.data, now=utcnow(), ip=request.remote_addr
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            return render_template("auth/two_factor_recovery.html", codes=codes)
    return overview(recovery_form=form, status=422)


@bp.post("/totp/disable")
@login_required
def disable_totp():
    form = DisableTotpForm(prefix="disable")
    if form.validate_on_submit():
        try:
            second_factor.disable_totp(
                current_account(),
                form.password.data,
                form.code.data,
                required=_required(),
                now=utcnow(),
                ip=request.remote_addr,
            )
        except ServiceError as error:
            apply_errors(form, error)
            return overview(disable_form=form, status=error.status)
        flash(_("The authenticator app is turned off."), "success")
        return redirect(url_for("two_factor.overview"))
    return overview(disable_form=form, status=422)


@bp.post("/passkeys/<int:passkey_id>/remove")
@login_required
def remove_passkey(passkey_id: int):
    form = PasswordForm(prefix="remove")
    if form.validate_on_submit():
        try:
            passkeys.remove(
                current_account(),
                passkey_id,
                form.password.data,
                required=_required(),
                now=utcnow(),
                ip=request.remote_addr,
            )
        except NotFound:
            abort(404)
        except ServiceError as error:
            apply_errors(form, error)
            return overview(remove_form=form, status=error.status)
        flash(_("The passkey is removed."), "success")
        return redirect(url_for("two_factor.overview"))
    return overview(remove_form=form, status=422)


@bp.post("/passkeys/options")
@login_required
def passkey_options():
    try:
        passkey_json.body()
    except passkey_json.BadJson as bad:
        return bad.response
    options_json, challenge = passkeys.registration_options(
        current_account(), rp_name=current_app.config["ORGANISATION_NAME"]
    )
    return passkey_json.options(options_json, challenge, purpose=REGISTER)


@bp.post("/passkeys")
@login_required
def add_passkey():
    try:
        data = passkey_json.body()
    except passkey_json.BadJson as bad:
        return bad.response
    name = data.get("name")
    try:
        row = passkeys.register(
            current_account(),
            data.get("credential"),
            name=name if isinstance(name, str) else "",
            challenge=passkey_json.take_challenge(REGISTER),
            now=utcnow(),
            ip=request.remote_addr,
        )
    except ServiceError as error:
        return passkey_json.error(error)
    flash(_("The passkey “%(name)s” is added.", name=row.name), "success")
    return passkey_json.answer(
        {"id": row.id, "name": row.name, "redirect": url_for("two_factor.overview")}, 201
    )
