"""Patients' pages about the fee: ask for financial assistance, see their requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from telesecond.clock import utcnow
from telesecond.domain.pricing import money
from telesecond.models.base import MAX_ID
from telesecond.services.errors import Conflict, Invalid, NotFound
from telesecond.services.fees import assistance, quotes
from telesecond.services.scheduling import availability
from telesecond.web.booking import Needed
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.specialist_forms import MoneyField, no_nul

bp = Blueprint("fees", __name__)


class OptionalMoneyField(MoneyField):
    """An amount that may be left empty (None)."""

    def parse(self, text: str) -> int | None:
        return super().parse(text) if text.strip() else None


class AssistanceForm(FlaskForm):
    """A request for a waiver or a reduced fee, with the patient's short reason."""

    specialist_id = HiddenField()
    consultation_id = HiddenField()
    kind = RadioField(
        _l("What are you asking for?"),
        choices=[
            SelectChoice("waiver", _l("A waiver: I cannot pay the fee")),
            SelectChoice("reduction", _l("A reduced fee")),
        ],
        validators=[Needed()],
        validate_choice=False,  # the service names a missing or unknown choice
    )
    offered = OptionalMoneyField(_l("The amount you can pay (for a reduced fee)"))
    reason = TextAreaField(
        _l("Why you are asking"),
        validators=[Needed(), no_nul],
    )

    def number(self, field: HiddenField) -> int | None:
        """A hidden id, if it is one."""
        text = (field.data or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
            return int(text)
        return None


def _about(form: AssistanceForm):
    """What the request is about: a specialist's profile or a consultation, and its quote."""
    consultation_id = form.number(form.consultation_id)
    if consultation_id is not None:
        return None, consultation_id, quotes.for_consultation(current_account(), consultation_id)
    specialist_id = form.number(form.specialist_id)
    if specialist_id is None:
        raise NotFound("Choose a specialist first.")
    profile = availability.get_profile(specialist_id)
    return profile, None, quotes.for_booking(current_account(), profile, now=utcnow())


@bp.get("/assistance")
@login_required
def assistance_list():
    """The patient's requests and what was decided."""
    return render_template(
        "fees/assistance_list.html", requests=assistance.mine(current_account()), money=money
    )


@bp.route("/assistance/new", methods=["GET", "POST"])
@login_required
def assistance_new():
    """Ask for a waiver or a reduced fee before paying."""
    form = AssistanceForm()
    if request.method == "GET":
        form.specialist_id.data = request.args.get("specialist", "")
        form.consultation_id.data = request.args.get("consultation", "")
    profile, consultation_id, quote = _about(form)
    if form.validate_on_submit():
        ask = assistance.Ask(
            kind=form.kind.data or "",
            reason=form.reason.data or "",
            specialist_id=None if consultation_id else profile.account_id,
            consultation_id=consultation_id,
            offered_cents=form.offered.data if form.kind.data == "reduction" else None,
        )
        try:
            assistance.ask(current_account(), ask, now=utcnow(), ip=request.remote_addr)
        except (Invalid, Conflict) as error:  # shown on the form; a pending request too
            if "offered_cents" in error.errors:
                error.errors["offered"] = error.errors.pop("offered_cents")
            apply_errors(form, error)
        else:
            flash(_l("We have your request. We will email you our answer."), "success")
            return redirect(url_for("fees.assistance_list"))
    return render_template(
        "fees/assistance_new.html",
        form=form,
        profile=profile,
        consultation_id=consultation_id,
        quote=quote,
        max_reason=assistance.MAX_REASON,
        money=money,
    ), (422 if request.method == "POST" else 200)
