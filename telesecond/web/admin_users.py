"""Admin pages for accounts: search, one account, deactivate and reactivate."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from telesecond.clock import utcnow
from telesecond.models.account import ROLES
from telesecond.services.admin import accounts
from telesecond.services.errors import Conflict, Invalid
from telesecond.web.admin_access import Filters, bp
from telesecond.web.helpers import current_account
from telesecond.web.reminders import ROLE_LABELS

# How the filter lists name roles and states (the tables name roles as reminders.py does).
ROLE_OPTIONS = {"patient": _l("Patient"), "specialist": _l("Specialist"), "admin": _l("Admin")}
STATE_LABELS = {"active": _l("Active"), "deactivated": _l("Deactivated")}


@bp.get("/users")
def users():
    filters = Filters(request.args)
    query = {
        "text": filters.text("q"),
        "role": filters.choice("role", ROLES),
        "state": filters.choice("state", accounts.STATES),
    }
    number = filters.number("page", default=1, limit=100_000)
    found = None if filters.errors else accounts.search(**query, page=number)
    return render_template(
        "admin/users.html",
        found=found,
        query=query,
        errors=filters.errors,
        role_options=[(r, ROLE_OPTIONS[r]) for r in ROLES],
        state_options=[(s, STATE_LABELS[s]) for s in accounts.STATES],
        role_labels=ROLE_LABELS,
    ), (422 if filters.errors else 200)


@bp.get("/users/<int:account_id>")
def user(account_id: int):
    return _user_page(account_id)


@bp.post("/users/<int:account_id>/deactivate")
def deactivate(account_id: int):
    try:
        accounts.deactivate(
            current_account(),
            account_id,
            reason=request.form.get("reason", ""),
            now=utcnow(),
            ip=request.remote_addr,
        )
    except (Invalid, Conflict) as error:
        return _user_page(account_id, error=error, reason=request.form.get("reason", ""))
    flash(
        _("The account is deactivated: it is signed out everywhere and cannot sign in."), "success"
    )
    return redirect(url_for("admin_console.user", account_id=account_id))


@bp.post("/users/<int:account_id>/reactivate")
def reactivate(account_id: int):
    try:
        accounts.reactivate(current_account(), account_id, now=utcnow(), ip=request.remote_addr)
    except Conflict as error:
        return _user_page(account_id, error=error)
    flash(_("The account is active again: its owner can sign in."), "success")
    return redirect(url_for("admin_console.user", account_id=account_id))


def _user_page(account_id: int, *, error=None, reason: str = ""):
    account = accounts.get(account_id)
    return render_template(
        "admin/user.html",
        account=account,
        deactivation=None if account.active else accounts.last_deactivation(account.id),
        is_me=account.id == current_account().id,
        error=error,
        role_labels=ROLE_LABELS,
        reason=reason[: accounts.MAX_REASON + 100],
        max_reason=accounts.MAX_REASON,
    ), (error.status if error else 200)
