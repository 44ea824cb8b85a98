"""The second step of signing in: a code, a recovery code or a passkey.

After a correct password an account with a second factor gets no session yet: the
cookie carries a pending sign-in (``services/accounts/pending_sign_in.py``) that lives
five minutes and allows five tries, and every try spends it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from telesecond.clock import utcnow
from telesecond.extensions import limiter
from telesecond.http.limits import login_limit
from telesecond.models import Account
from telesecond.services.accounts import passkeys, pending_sign_in, second_factor
from telesecond.web import passkey_json, signed_in
from telesecond.web.helpers import safe_next
from telesecond.web.landing import landing_for
from telesecond.web.two_factor_forms import SecondFactorForm

bp = Blueprint("second_factor", __name__, url_prefix="/login/second-factor")

PENDING_KEY = "pending_sign_in"
SIGN_IN = "sign_in"
START_OVER = _l("Please sign in again: the sign-in expired or had too many wrong tries.")


def wanted(account: Account) -> bool:
    """Whether signing in as ``account`` needs a second step."""
    return second_factor.has_second_factor(account.id)


def start(account: Account, next_url: str | None) -> Response:
    """After the password: remember the pending sign-in and ask for the second factor."""
    session.pop(passkey_json.CHALLENGE_KEY, None)
    session[PENDING_KEY] = {
        "ticket": pending_sign_in.issue(account, now=utcnow()),
        "tries": 0,
        "next": safe_next(next_url, ""),
    }
    return redirect(url_for("second_factor.ask"))


@bp.route("", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def ask():
    pending = session.get(PENDING_KEY)
    ticket = pending_sign_in.peek(_ticket(pending), now=utcnow())
    if ticket is None:
        return _start_over()
    form = SecondFactorForm()
    if form.validate_on_submit():
        ticket = pending_sign_in.spend(pending["ticket"], now=utcnow())
        if ticket is None:
            return _start_over()
        factor = second_factor.verify_code(
            ticket.account, form.code.data, now=utcnow(), ip=request.remote_addr
        )
        if factor is not None:
            return _signed_in(ticket.account, factor, pending)
        if not _try_again(ticket):
            return _start_over()
        form.code.errors = [_("That code is not right, or it was used already.")]
    status = 401 if form.errors else 200
    return render_template(
        "auth/second_factor.html",
        form=form,
        factors=second_factor.overview(ticket.account),
    ), status


@bp.post("/passkey/options")
def passkey_options():
    try:
        passkey_json.body()
    except passkey_json.BadJson as bad:
        return bad.response
    ticket = pending_sign_in.peek(_ticket(session.get(PENDING_KEY)), now=utcnow())
    if ticket is None:
        return _start_over_json()
    options_json, challenge = passkeys.authentication_options(ticket.account)
    return passkey_json.options(options_json, challenge, purpose=SIGN_IN)


@bp.post("/passkey")
@limiter.limit(login_limit)
def passkey_sign_in():
    try:
        data = passkey_json.body()
    except passkey_json.BadJson as bad:
        return bad.response
    pending = session.get(PENDING_KEY)
    ticket = pending_sign_in.spend(_ticket(pending), now=utcnow())
    if ticket is None:
        return _start_over_json()
    used = passkeys.authenticate(
        ticket.account,
        data.get("credential"),
        challenge=passkey_json.take_challenge(SIGN_IN),
        now=utcnow(),
        ip=request.remote_addr,
    )
    if used is None:
        if not _try_again(ticket):
            return _start_over_json()
        return passkey_json.answer({"detail": _("That passkey did not work. Try again.")}, 401)
    target = _signed_in(ticket.account, second_factor.PASSKEY, pending)
    return passkey_json.answer({"redirect": target.location})


def _ticket(pending: object) -> str | None:
    if not isinstance(pending, dict) or not isinstance(pending.get("ticket"), str):
        return None
    return pending["ticket"]


def _try_again(ticket: pending_sign_in.Ticket) -> bool:
    """After a wrong try: a new ticket (same deadline) unless the tries are used up."""
    pending = session.get(PENDING_KEY) or {}
    tries = int(pending.get("tries", 0)) + 1
    if tries >= pending_sign_in.MAX_ATTEMPTS:
        session.pop(PENDING_KEY, None)
        return False
    session[PENDING_KEY] = {
        **pending,
        "tries": tries,
        "ticket": pending_sign_in.issue(ticket.account, now=utcnow(), expires_at=ticket.expires_at),
    }
    return True


def _signed_in(account: Account, factor: str, pending: dict) -> Response:
    target = safe_next(pending.get("next"), landing_for(account))
    signed_in.begin(account, second_factor=factor)
    flash(_("Signed in as %(name)s.", name=account.full_name), "success")
    return redirect(target)


def _start_over() -> Response:
    session.pop(PENDING_KEY, None)
    flash(str(START_OVER), "error")
    return redirect(url_for("auth.login"))


def _start_over_json():
    session.pop(PENDING_KEY, None)
    flash(str(START_OVER), "error")
    return passkey_json.answer({"detail": str(START_OVER), "redirect": url_for("auth.login")}, 401)
