"""Admin pages for what lowers fees: assistance requests (decide) and sponsor codes (create).

Both lists filter and export as CSV, with cells that would start a formula neutralised.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from telesecond.clock import utcnow
from telesecond.domain.pricing import money
from telesecond.domain.wall_clock import local_midnight
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.fees import assistance, sponsor_codes
from telesecond.web.admin_access import LATEST_YEAR, Filters, bp
from telesecond.web.booking import Needed
from telesecond.web.fees import OptionalMoneyField
from telesecond.web.form_text import Present
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.specialist_forms import no_nul

# How the list of sponsor codes names their states.
CODE_STATES = {"active": _l("Active"), "used_up": _l("Used up"), "expired": _l("Expired")}
# How the list of assistance requests names their states.
REQUEST_STATES = {"pending": _l("Pending"), "approved": _l("Approved"), "declined": _l("Declined")}


class DecisionForm(FlaskForm):
    """Approve (waive, or a reduced amount) or decline one request."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("waive", _l("Approve: waive the fee")),
            SelectChoice("reduce", _l("Approve: the patient pays a reduced amount")),
            SelectChoice("decline", _l("Decline")),
        ],
        validators=[Needed()],
        validate_choice=False,  # the service names a missing decision, after the request
    )
    approved = OptionalMoneyField(_l("Reduced amount the patient pays"))
    note = TextAreaField(_l("Note to the patient (optional)"), validators=[no_nul])


class SponsorCodeForm(FlaskForm):
    """A new sponsor code: who pays, how much, how often, until when."""

    code = StringField(_l("Code"), validators=[Present(_l("Type the code.")), no_nul])
    sponsor_name = StringField(_l("Sponsor"), validators=[Present(_l("Name the sponsor.")), no_nul])
    percent_off = IntegerField(
        _l("Share of the fee covered, in percent"),
        validators=[Optional(), NumberRange(1, 100, _l("Give a percentage from 1 to 100."))],
    )
    amount_off = OptionalMoneyField(_l("Or an amount covered"))
    currency = StringField(_l("Currency of the amount"), validators=[Optional(), no_nul])
    max_uses = IntegerField(
        _l("Number of uses"),
        validators=[
            Present(_l("Say how many times the code may be used.")),
            NumberRange(1, sponsor_codes.MAX_USES, _l("Allow from 1 to 1,000,000 uses.")),
        ],
    )
    expires_on = DateField(
        _l("Last day it can be used"),
        validators=[Present(_l("Give the last day, YYYY-MM-DD."))],
    )

    def validate_expires_on(self, field) -> None:
        if field.data and field.data.year > LATEST_YEAR:
            raise ValidationError(_("Choose a day before %(year)s.", year=LATEST_YEAR + 1))


def _assistance_filters() -> tuple[assistance.Filters, Filters]:
    reader = Filters(request.args)
    chosen = assistance.Filters(
        status=reader.choice("status", assistance.STATUSES), person=reader.text("person", 254)
    )
    return chosen, reader


def _assistance_page(
    status: int = 200, *, form: DecisionForm | None = None, failed: int | None = None
):
    chosen, reader = _assistance_filters()
    number = reader.number("page", default=1, limit=100_000)
    found = None if reader.errors else assistance.search(chosen, page=number)
    return render_template(
        "admin/assistance.html",
        found=found,
        errors=reader.errors,
        args=request.args,
        status_options=list(REQUEST_STATES.items()),
        state_labels=REQUEST_STATES,
        form=form or DecisionForm(formdata=None),
        failed=failed,
        money=money,
    ), (422 if reader.errors else status)


@bp.get("/assistance")
def assistance_requests():
    return _assistance_page()


@bp.get("/assistance.csv")
def assistance_csv():
    chosen, reader = _assistance_filters()
    if reader.errors:
        return _assistance_page()
    text = assistance.export_csv(current_account(), chosen, ip=request.remote_addr)
    return _csv(text, "assistance-requests")


@bp.post("/assistance/<int:request_id>/decision")
def assistance_decision(request_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data in SelectChoice("waive", "reduce")
        amount = 0 if form.decision.data == "waive" else form.approved.data
        try:
            assistance.decide(
                current_account(),
                request_id,
                decision="approve" if approve else "decline",
                approved_cents=amount if approve else None,
                note=form.note.data,
                now=utcnow(),
                ip=request.remote_addr,
            )
        except (Invalid, Conflict) as error:
            if "approved_cents" in error.errors:
                error.errors["approved"] = error.errors.pop("approved_cents")
            apply_errors(form, error)
        else:
            flash(_("The decision is saved and the patient is told by email."), "success")
            return redirect(url_for("admin_console.assistance_requests"))
    return _assistance_page(422, form=form, failed=request_id)


def _code_filters() -> tuple[sponsor_codes.Filters, Filters]:
    reader = Filters(request.args)
    chosen = sponsor_codes.Filters(
        text=reader.text("q", 120), state=reader.choice("state", sponsor_codes.STATES)
    )
    return chosen, reader


def _codes_page(form: SponsorCodeForm | None = None, status: int = 200):
    chosen, reader = _code_filters()
    number = reader.number("page", default=1, limit=100_000)
    now = utcnow()
    found = None if reader.errors else sponsor_codes.search(chosen, now=now, page=number)
    return render_template(
        "admin/sponsor_codes.html",
        found=found,
        errors=reader.errors,
        args=request.args,
        state_options=list(CODE_STATES.items()),
        state_labels=CODE_STATES,
        form=form or SponsorCodeForm(formdata=None),
        state_of=lambda code: sponsor_codes.state(code, now),
        money=money,
    ), (422 if reader.errors else status)


@bp.get("/sponsor-codes")
def sponsor_code_list():
    return _codes_page()


@bp.get("/sponsor-codes.csv")
def sponsor_codes_csv():
    chosen, reader = _code_filters()
    if reader.errors:
        return _codes_page()
    text = sponsor_codes.export_csv(current_account(), chosen, now=utcnow(), ip=request.remote_addr)
    return _csv(text, "sponsor-codes")


def _expiry(day: date, zone: str):
    """The end of the admin's local day: the code works through ``day``."""
    return local_midnight(day + timedelta(days=1), ZoneInfo(zone))


@bp.post("/sponsor-codes")
def sponsor_code_create():
    form = SponsorCodeForm()
    if form.validate_on_submit():
        admin = current_account()
        new = sponsor_codes.NewCode(
            code=form.code.data or "",
            sponsor_name=form.sponsor_name.data or "",
            max_uses=form.max_uses.data,
            expires_at=_expiry(form.expires_on.data, admin.timezone),
            percent_off=form.percent_off.data,
            amount_off_cents=form.amount_off.data,
            currency=form.currency.data,
        )
        try:
            code = sponsor_codes.create(admin, new, now=utcnow(), ip=request.remote_addr)
        except Invalid as error:
            if "amount_off_cents" in error.errors:
                error.errors["amount_off"] = error.errors.pop("amount_off_cents")
            apply_errors(form, error)
        else:
            flash(
                _(
                    "The code %(code)s is ready to give to %(sponsor)s.",
                    code=code.code,
                    sponsor=code.sponsor_name,
                ),
                "success",
            )
            return redirect(url_for("admin_console.sponsor_code_list"))
    return _codes_page(form, 422)


def _csv(text: str, name: str) -> Response:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
