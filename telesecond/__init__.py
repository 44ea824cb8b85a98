"""telesecond: book remote second-opinion video consultations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config → extensions → adapters → services → blueprints → CLI."""
    import config as settings

    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance")
    )

    # config
    values = settings.from_env()
    values.update(overrides or {})
    app.config.update(settings.finalize(values, Path(app.instance_path)))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    from telesecond.db.engine import engine_options

    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options())
    if proxies := app.config["TRUSTED_PROXIES"]:  # else X-Forwarded-* are the client's say-so
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # extensions
    from telesecond import models  # noqa: F401  (complete metadata before binding)
    from telesecond.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from telesecond.db.engine import setup as setup_database

    with app.app_context():
        setup_database(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    csrf.init_app(app)
    limiter.init_app(app)
    from telesecond.domain.languages import babel_name
    from telesecond.web.languages import page_language

    app.config["BABEL_DEFAULT_LOCALE"] = babel_name(app.config["DEFAULT_LANGUAGE"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "telesecond" / "translations")
    babel.init_app(app, locale_selector=page_language)

    from telesecond.web.security import init_security

    init_security(app)

    # adapters
    from telesecond.adapters import registry

    registry.install(app, registry.build_adapters(app.config, Path(app.instance_path)))

    # services: the features that follow every change of a consultation
    from telesecond.services.consultations import changes
    from telesecond.services.payments import checkout as payments
    from telesecond.services.reminders import outbox
    from telesecond.services.video import rooms

    changes.follow_with(rooms.on_consultation_changed, outbox.on_consultation_changed)
    changes.follow_payments_with(payments.on_consultation_changed)

    # blueprints (converters first: rules bind them when they are added)
    from telesecond.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter
    from telesecond.api.routes import bp as api_bp
    from telesecond.web import admin_specialists, auth, directory, main, specialist, webhooks
    from telesecond.web import booking as booking_pages
    from telesecond.web import busy_calendars as busy_calendar_pages
    from telesecond.web import calendar as calendar_pages
    from telesecond.web import consultations as consultation_pages
    from telesecond.web import documents as document_pages
    from telesecond.web import fees as fee_pages
    from telesecond.web import opinions as opinion_pages
    from telesecond.web import physician_links as physician_link_pages
    from telesecond.web import reminders as reminder_pages
    from telesecond.web import specialist_calendar as specialist_calendar_pages
    from telesecond.web import video as video_pages
    from telesecond.web.account_lifecycle import bp as lifecycle_pages
    from telesecond.web.errors import register_error_handlers
    from telesecond.web.languages import bp as language_pages
    from telesecond.web.languages import init_languages
    from telesecond.web.second_factor import bp as second_factor_bp
    from telesecond.web.templating import init_templating
    from telesecond.web.two_factor import bp as two_factor_bp

    csrf.exempt(api_bp)
    csrf.exempt(webhooks.bp)  # Twilio signs its calls instead
    from telesecond.web import admin_payments, payment_webhooks, receipts

    csrf.exempt(payment_webhooks.bp)  # Stripe signs its calls instead
    for blueprint in (
        main.bp,
        auth.bp,
        directory.bp,
        specialist.bp,
        specialist_calendar_pages.bp,
        booking_pages.bp,
        consultation_pages.bp,
        opinion_pages.bp,
        physician_link_pages.bp,
        document_pages.bp,
        fee_pages.bp,
        calendar_pages.bp,
        busy_calendar_pages.bp,
        reminder_pages.bp,
        video_pages.bp,
        webhooks.bp,
        payment_webhooks.bp,
        admin_payments.bp,
        receipts.bp,
        admin_specialists.bp,
        lifecycle_pages,
        two_factor_bp,
        second_factor_bp,
        language_pages,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp)
    from telesecond.web.admin_console import bp as admin_console_bp

    app.register_blueprint(admin_console_bp)
    register_error_handlers(app)
    init_templating(app)
    init_languages(app)

    # CLI
    from telesecond.cli import register_cli

    register_cli(app)
    return app
