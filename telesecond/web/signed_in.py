"""The browser's signed-in state: its cookie names a session kept on the server.

Flask-Login asks ``load_account`` on every request; the answer is the account only while
the server-side session that the cookie names is live (``services/accounts/sessions.py``).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user

from telesecond.clock import utcnow
from telesecond.extensions import login_manager
from telesecond.models import Account
from telesecond.services.accounts import sessions

SESSION_KEY = "sid"


def idle_limit() -> timedelta:
    """How long a browser session may go unused (``SESSION_IDLE_MINUTES``)."""
    return timedelta(minutes=max(1, current_app.config["SESSION_IDLE_MINUTES"]))


@login_manager.user_loader
def load_account(account_id: str) -> Account | None:
    """The signed-in account, if the session the cookie names is live and is theirs."""
    row = sessions.resolve(session.get(SESSION_KEY), now=utcnow(), idle=idle_limit())
    if row is None or str(row.account_id) != account_id:
        return None
    g.sign_in_session_id = row.id
    return row.account


def begin(account: Account, *, second_factor: str | None = None) -> None:
    """Sign the browser in: a new server-side session, and a fresh cookie naming it."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = sessions.start(
        account,
        now=utcnow(),
        lifetime=current_app.permanent_session_lifetime,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        second_factor=second_factor,
    )
    login_user(account)


def finish() -> None:
    """Sign the browser out: its session ends on the server, so no copy of it opens."""
    sessions.end(session.get(SESSION_KEY), now=utcnow(), ip=request.remote_addr)
    logout_user()
    session.clear()


def current_session_id() -> int | None:
    """The id of the session this request came with (None when signed out)."""
    return g.get("sign_in_session_id")
