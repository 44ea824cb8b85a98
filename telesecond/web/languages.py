"""The language of each page, and the switcher in every page's header.

A page speaks, in this order: the signed-in person's chosen language; the language this
browser chose with the switcher (a cookie, so it outlives signing in and out); the
browser's Accept-Language preference among the shipped languages; ``DEFAULT_LANGUAGE``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from telesecond.clock import utcnow
from telesecond.domain.languages import negotiate, parse_tag, shipped_tag
from telesecond.services import languages
from telesecond.services.accounts import registration
from telesecond.services.errors import Invalid
from telesecond.web.helpers import current_account, safe_next

bp = Blueprint("languages", __name__)

COOKIE = "language"
COOKIE_MAX_AGE = 365 * 24 * 3600


def browser_preference() -> str:
    """The browser's Accept-Language preference among the shipped languages."""
    preferences = [value for value, _quality in request.accept_languages]
    return negotiate(preferences, languages.shipped(), languages.default_language())


def page_language() -> Locale | None:
    """Flask-Babel's locale selector: the locale of this request's page (None: default)."""
    if not request:
        return None
    shipped = languages.shipped()
    chosen = None
    if current_user and current_user.is_authenticated and current_user.language:
        chosen = shipped_tag(current_user.language, shipped)
    chosen = chosen or shipped_tag(request.cookies.get(COOKIE, ""), shipped)
    return languages.babel_locale(chosen or browser_preference())


def _with_browser_region(language: str) -> str:
    """``language`` with the region of the browser's own tag for it (``en`` → ``en-US``),
    so choosing English on a US browser keeps US times."""
    for value, _quality in request.accept_languages:
        tag = parse_tag(value)
        if tag is not None and tag.language == language and tag.region:
            return str(tag)
    return language


def _back() -> str:
    """The page the switcher was on. The form names its path only (a page's query may hold
    what it must not repeat); the query comes from the Referer when it is that same page."""
    target = safe_next(request.form.get("next"), url_for("main.index"))
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == target and referrer.query:
        target = safe_next(f"{referrer.path}?{referrer.query}", target)
    return target


@bp.post("/language")
def choose():
    """Switch this browser's language; a signed-in person's account keeps it too."""
    language = (request.form.get("language") or "").strip()
    if language not in languages.shipped():
        message = _("Choose one of the languages offered.")
        raise Invalid(message, {"language": [message]})
    tag = _with_browser_region(language)
    if current_user.is_authenticated:
        registration.update_profile(
            current_account(), {"language": tag}, ip=request.remote_addr, now=utcnow()
        )
    response = redirect(_back(), code=303)
    response.set_cookie(
        COOKIE,
        tag,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def language_names() -> list[tuple[str, str]]:
    """Each shipped language named in itself (``español``), as a switcher lists them."""
    names = []
    for code in languages.shipped():
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return names


def init_languages(app: Flask) -> None:
    """The page's language and the switcher's choices in every template."""
    # {% trans %} blocks are written across lines; their msgids are one line of text.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def page_languages():
        current = languages.current_locale().language if request else None
        return {
            "page_lang": languages.current_tag(),
            "page_language_code": current,
            "language_choices": language_names(),
        }
