"""Which pages the crawl opens, as whom, and which GET routes it leaves out and why.

Every GET route of ``app.url_map`` is either visited here (``VISITS``, keyed by endpoint)
or excluded (``EXCLUDED``, with the reason); tests/pages/test_route_coverage.py fails for a
route that is neither, so a new page cannot ship without an accessibility check.

URLs are templates filled from the seeded :class:`tests.pages.scenario.Scenario` (``{s.x}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.pages.scenario import CALL_GUEST_TOKEN, GUEST_TOKEN

# Who opens the pages. "doctor": the patient's own doctor, through the shared link (no
# account); "guest": a person the patient invited to the call (no account); "two-step": a
# person who gave their password and is asked for their authenticator's code.
# "unverified": a patient who has not yet confirmed their email address.
ROLES = (
    "anonymous",
    "patient",
    "specialist",
    "admin",
    "doctor",
    "guest",
    "two-step",
    "unverified",
)

# The window sizes: a desktop, a phone, the narrowest phone still in use.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}


@dataclass(frozen=True)
class Visit:
    """One page as one role sees it."""

    role: str
    endpoint: str | None  # None: a page no route serves (the 404 page)
    url: str  # a template: "/consultations/{s.upcoming}"
    label: str = ""  # which variant, when a route is visited more than once by a role
    status: int = 200
    # "paid": the app that takes payments through (fake) Stripe; "video": the app whose
    # calls are on (fake) Twilio Video, with its own call page.
    server: str = "main"
    shows: str = ""  # a CSS selector the page must hold, where the URL alone is not proof

    @property
    def id(self) -> str:
        name = self.endpoint or "not-found"
        return f"{self.role}:{name}" + (f"({self.label})" if self.label else "")

    def path(self, scenario) -> str:
        return self.url.format(s=scenario, guest=GUEST_TOKEN, call_guest=CALL_GUEST_TOKEN)


def _v(role: str, endpoint: str | None, url: str, label: str = "", **kw) -> Visit:
    return Visit(role, endpoint, url, label, **kw)


SIGNED = "/consultations/{s.signed}"
UPCOMING = "/consultations/{s.upcoming}"
DRAFT = "/consultations/{s.draft}"
PAID = "/consultations/{s.paid}"
NOW_ON = "/consultations/{s.now_on}"
BOOK = "/book/{s.specialist_id}?start="
CALL = "[data-call][data-token]"  # the call page itself, not the waiting page

VISITS: tuple[Visit, ...] = (
    # -- anyone ------------------------------------------------------------------------
    _v("anonymous", "main.index", "/"),
    _v("anonymous", "auth.login", "/login"),
    _v("anonymous", "auth.register", "/register"),
    _v("anonymous", "lifecycle.forgot_password", "/forgot-password"),
    _v("anonymous", "lifecycle.reset_password", "/reset-password/{s.reset_token}"),
    _v("anonymous", "lifecycle.reset_password", "/reset-password/spent", "bad link", status=404),
    _v("anonymous", "lifecycle.verify_email", "/verify-email/{s.verify_token}"),
    _v("anonymous", "directory.specialists", "/specialists"),
    _v("anonymous", "directory.specialists", "/specialists?condition=breast", "search"),
    _v("anonymous", "directory.specialist", "/specialists/{s.specialist_id}"),
    _v("anonymous", "video.device_test", "/video/device-test"),
    _v("anonymous", None, "/no-such-page", status=404),
    _v("two-step", "second_factor.ask", "/login/second-factor"),
    _v("doctor", "physician_links.shared", "{s.shared_path}"),
    _v("doctor", "physician_links.shared", "{s.checked_path}", "code", shows="input#answer"),
    _v("guest", "video.guest_join", "/video/guests/{guest}"),
    _v("guest", "video.guest_join", "/video/guests/withdrawn", "bad link", status=404),
    _v(
        "guest",
        "video.guest_join",
        "/video/guests/{call_guest}",
        "call",
        server="video",
        shows=CALL,
    ),
    # -- the patient ---------------------------------------------------------------------
    _v("patient", "main.index", "/"),
    _v("patient", "directory.specialists", "/specialists?condition=breast"),
    _v("patient", "directory.specialist", "/specialists/{s.specialist_id}"),
    _v("patient", "booking.intake", BOOK + "{s.free_slot}"),
    _v("patient", "booking.intake", BOOK + "{s.taken_slot}", "taken", status=409),
    _v("patient", "consultations.list", "/consultations"),
    _v("patient", "consultations.detail", UPCOMING, "upcoming"),
    _v("patient", "consultations.detail", SIGNED, "opinion signed"),
    _v("patient", "consultations.detail", "/consultations/{s.cancelled}", "cancelled"),
    _v("patient", "consultations.detail", NOW_ON, "under way"),
    _v("patient", "video.join", UPCOMING + "/join"),
    _v("patient", "video.device_test", "/video/device-test?consultation={s.upcoming}"),
    _v("patient", "opinions.view", SIGNED + "/opinion"),
    _v("patient", "opinions.document_page", SIGNED + "/opinion/document"),
    _v("patient", "physician_links.doctor", SIGNED + "/doctor"),
    _v("patient", "fees.assistance_list", "/assistance"),
    _v("patient", "fees.assistance_new", "/assistance/new?specialist={s.specialist_id}"),
    _v("patient", "auth.profile", "/account"),
    _v("patient", "lifecycle.change_password", "/account/password"),
    _v("patient", "auth.sessions_page", "/account/sessions"),
    _v("patient", "two_factor.overview", "/account/two-factor"),
    _v("patient", "two_factor.enrol_totp", "/account/two-factor/totp"),
    _v("unverified", "booking.intake", BOOK + "{s.free_slot}", "verify first", status=403),
    _v("unverified", "auth.profile", "/account"),
    # the app that takes payments
    _v("patient", "booking.intake", BOOK + "{s.paid_slot}", "paid", server="paid"),
    _v("patient", "consultations.detail", PAID, "paid", server="paid"),
    _v(
        "patient",
        "consultations.detail",
        "/consultations/{s.awaiting_payment}",
        "awaiting payment",
        server="paid",
    ),
    _v("patient", "receipts.page", PAID + "/receipt", server="paid"),
    _v("patient", "receipts.refund_page", PAID + "/refunds/{s.refund}/receipt", server="paid"),
    _v("patient", "video.call", "/consultations/{s.on_call}/call", server="video", shows=CALL),
    # -- the specialist --------------------------------------------------------------------
    _v("specialist", "main.index", "/"),
    _v("specialist", "consultations.list", "/consultations"),
    _v("specialist", "consultations.detail", UPCOMING, "upcoming"),
    _v("specialist", "consultations.detail", SIGNED, "opinion signed"),
    _v("specialist", "consultations.detail", NOW_ON, "under way"),
    _v("specialist", "opinions.edit", DRAFT + "/opinion/edit"),
    _v("specialist", "opinions.preview", DRAFT + "/opinion/preview"),
    _v("specialist", "opinions.view", SIGNED + "/opinion"),
    _v("specialist", "video.join", UPCOMING + "/join"),
    _v("specialist", "specialist.availability", "/specialist/availability"),
    _v("specialist", "specialist.profile", "/specialist/profile"),
    _v("specialist", "reminders.specialist_alert", "/account/reminders"),
    _v("specialist", "auth.profile", "/account"),
    _v("specialist", "receipts.page", PAID + "/receipt", server="paid"),
    _v("specialist", "receipts.codes", PAID + "/diagnosis-codes", server="paid"),
    _v("specialist", "specialist.dashboard", "/specialist/"),
    _v("specialist", "specialist.hours_grid", "/specialist/hours"),
    _v("specialist", "specialist_calendar.month", "/specialist/calendar"),
    _v("specialist", "video.call", "/consultations/{s.on_call}/call", server="video", shows=CALL),
    # -- the admin -------------------------------------------------------------------------
    _v("admin", "admin_console.home", "/admin"),
    _v("admin", "admin_console.users", "/admin/users"),
    _v("admin", "admin_console.user", "/admin/users/{s.patient_id}"),
    _v("admin", "admin_specialists.index", "/admin/specialists"),
    _v("admin", "admin_specialists.detail", "/admin/specialists/{s.specialist_id}"),
    _v("admin", "admin_specialists.detail", "/admin/specialists/{s.pending_id}", "pending"),
    _v("admin", "admin_console.consultation_list", "/admin/consultations"),
    _v("admin", "admin_console.consultation", "/admin/consultations/{s.signed}"),
    _v("admin", "admin_console.audit", "/admin/audit"),
    _v("admin", "admin_console.assistance_requests", "/admin/assistance"),
    _v("admin", "admin_console.sponsor_code_list", "/admin/sponsor-codes"),
    _v("admin", "admin_console.turnaround", "/admin/turnaround"),
    _v("admin", "opinions.admin", "/admin/opinions"),
    _v("admin", "reminders.admin", "/admin/reminders"),
    _v("admin", "admin_payments.payments", "/admin/payments", server="paid"),
    _v("admin", "admin_payments.payment", "/admin/payments/{s.payment}", server="paid"),
    _v("admin", "auth.profile", "/account"),
)

# A few of the patient's pages once more, in Spanish (the browser asks for it).
SPANISH: tuple[Visit, ...] = (
    _v("patient", "main.index", "/"),
    _v("patient", "directory.specialists", "/specialists?condition=mama"),
    _v("patient", "directory.specialist", "/specialists/{s.specialist_id}"),
    _v("patient", "booking.intake", BOOK + "{s.spanish_slot}"),
    _v("patient", "consultations.list", "/consultations"),
    _v("patient", "consultations.detail", UPCOMING, "upcoming"),
    _v("patient", "opinions.view", SIGNED + "/opinion"),
    _v("patient", "auth.profile", "/account"),
)

# Forms sent empty: the page that answers, with its errors, is checked as well. Only forms
# whose empty answer changes nothing (no saved profile, hours or draft is overwritten).
FORMS_SENT_EMPTY: tuple[Visit, ...] = (
    _v("anonymous", "auth.login", "/login"),
    _v("anonymous", "auth.register", "/register"),
    _v("anonymous", "lifecycle.forgot_password", "/forgot-password"),
    _v("two-step", "second_factor.ask", "/login/second-factor"),
    _v("doctor", "physician_links.shared", "{s.checked_path}", "code"),
    _v("patient", "lifecycle.change_password", "/account/password"),
    _v("patient", "fees.assistance_new", "/assistance/new?specialist={s.specialist_id}"),
    _v("patient", "booking.intake", BOOK + "{s.free_slot}"),
)

# Whole blueprints that serve no HTML page.
EXCLUDED_BLUEPRINTS = {
    "api": "the JSON API (/api/v1), documented by its OpenAPI file, not pages",
}

# GET routes that are not pages a person reads in the browser, each with the reason.
EXCLUDED = {
    "static": "stylesheets, scripts and images, not pages",
    "main.health": "a JSON health check for the load balancer",
    "calendar.feed": "an iCalendar feed (.ics) for calendar apps",
    "calendar.invite": "an iCalendar invitation (.ics) download",
    "documents.download": "the patient's uploaded file itself (PDF, image, DICOM)",
    "opinions.document_pdf": "a PDF file (its HTML twin, opinions.document_page, is crawled)",
    "physician_links.shared_pdf": "a PDF file of the shared opinion",
    "receipts.pdf": "a PDF file (its HTML twin, receipts.page, is crawled)",
    "receipts.refund_pdf": "a PDF file (its HTML twin, receipts.refund_page, is crawled)",
    "admin_console.assistance_csv": "a CSV download",
    "admin_console.audit_csv": "a CSV download",
    "admin_console.sponsor_codes_csv": "a CSV download",
    "admin_payments.payments_csv": "a CSV download",
}


def excluded_reason(endpoint: str) -> str | None:
    """Why ``endpoint`` is not crawled, or None when it must be."""
    if endpoint in EXCLUDED:
        return EXCLUDED[endpoint]
    return EXCLUDED_BLUEPRINTS.get(endpoint.partition(".")[0] if "." in endpoint else "")
