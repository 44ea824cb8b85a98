"""Book a consultation: hold the chosen time, then take the patient's intake on one page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError

from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.intake import CONSENT_TEXT, CONSENT_VERSION, MAX_QUESTIONS, Intake
from telesecond.models import SpecialistProfile
from telesecond.models.base import MAX_ID
from telesecond.services.accounts import home_region
from telesecond.services.consultations import booking, intake_records
from telesecond.services.consultations.verified_patients import needs_verification
from telesecond.services.errors import Conflict, Invalid
from telesecond.services.fees import checkout
from telesecond.services.payments.checkout import Booked, PaymentUnavailable
from telesecond.services.scheduling import availability, directory
from telesecond.web import booking_records, fee_prices
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.specialist_forms import no_nul
from telesecond.web.templating import local_time

bp = Blueprint("booking", __name__)

SHOWN_QUESTIONS = 5
_TRAILING_OFFSET = re.compile(r" (\d{2}:?\d{2})$")  # "+01:00" arrives as " 01:00" in a query
HOLD_GONE = _l(
    "Your hold on this time has ended. Check your answers and send the form again: "
    "we book the time if it is still free."
)


def parse_start(text: str | None) -> datetime | None:
    """An RFC 3339 instant with an offset as aware UTC, or None when it cannot be read."""
    if not text or len(text) > 40:
        return None
    text = _TRAILING_OFFSET.sub(r"+\1", text.strip())
    try:
        value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None or not 1970 <= value.year <= 2200:
        return None
    return value.astimezone(UTC)


class Needed:
    """Mark a field as required (the asterisk) while the booking service checks it.

    The service validates the whole intake at once, so every missing answer is named
    together; a form-level DataRequired would stop at the form instead.
    """

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class QuestionsField(Field):
    """Every value posted under the field's name (several ``questions`` textareas), in order."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=list, **kwargs)

    def process_formdata(self, valuelist):
        # Keep a few beyond the limit so the service can say "at most 20".
        self.data = list(valuelist[: MAX_QUESTIONS * 2])


class IntakeForm(FlaskForm):
    """The patient's case, in the order the intake page asks for it."""

    start = HiddenField()
    hold_id = HiddenField()
    hold_expires = HiddenField()  # display only: when the hold placed on the GET ends
    sponsor_code = HiddenField()  # fees: a code applied on the price card (issue 21)
    patient_region = StringField(_l("Country or state code"), validators=[Needed(), no_nul])
    current_diagnosis = TextAreaField(_l("Your current diagnosis"), validators=[Needed(), no_nul])
    proposed_treatment = TextAreaField(
        _l("The treatment you have been offered"), validators=[Needed(), no_nul]
    )
    reason = TextAreaField(
        _l("What you want from the second opinion"), validators=[Needed(), no_nul]
    )
    questions = QuestionsField(_l("Your questions"))
    physician_name = StringField(_l("Your doctor's name (optional)"), validators=[no_nul])
    physician_practice = StringField(_l("Their practice or clinic (optional)"), validators=[no_nul])
    physician_contact = EmailField(
        _l("Your doctor's email address (optional)"), validators=[no_nul]
    )
    share_with_physician = BooleanField(_l("Send my doctor a copy of the written opinion"))
    interpreter_needed = BooleanField(_l("I need an interpreter"))
    interpreter_language = StringField(_l("Language for the interpreter"), validators=[no_nul])
    telehealth_consent = BooleanField(
        _l(
            "I have read and agree to the video consultation terms above (version %(version)s)",
            version=CONSENT_VERSION,
        ),
        validators=[Needed()],
    )
    emergency_acknowledged = BooleanField(
        _l(
            "I understand that telesecond is not for emergencies, and that in an emergency I "
            "call my local emergency number"
        ),
        validators=[Needed()],
    )
    attempt_started = HiddenField()  # records kept from before it came from an earlier try

    def validate_questions(self, field):
        if any("\x00" in (q or "") for q in field.data):
            raise ValidationError(_("Remove the invisible control characters from your questions."))

    def validate_interpreter_language(self, field):
        if self.interpreter_needed.data and not (field.data or "").strip():
            raise ValidationError(_("Say which language the interpreter should speak, e.g. es."))

    def hold_number(self) -> int | None:
        """The hold id from the hidden field, if it is a number."""
        text = (self.hold_id.data or "").strip()
        # Out of the id column's range means no hold; the booking re-checks the time.
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            return None
        return int(text) if int(text) <= MAX_ID else None

    def intake(self) -> Intake:
        """The answers as the booking service takes them."""
        language = (self.interpreter_language.data or "").strip()
        return Intake(
            patient_region=self.patient_region.data or "",
            reason=self.reason.data or "",
            current_diagnosis=self.current_diagnosis.data or "",
            proposed_treatment=self.proposed_treatment.data or "",
            questions=[q for q in self.questions.data if q],
            physician_name=self.physician_name.data or "",
            physician_practice=self.physician_practice.data or "",
            physician_contact=self.physician_contact.data or "",
            share_with_physician=bool(self.share_with_physician.data),
            # A language typed in means an interpreter is wanted, ticked or not.
            interpreter_language=language or None,
            telehealth_consent=bool(self.telehealth_consent.data),
            emergency_acknowledged=bool(self.emergency_acknowledged.data),
        )


@dataclass(frozen=True)
class Alternative:
    """A free slot offered instead of a taken one."""

    start: datetime
    href: str


def book_url(specialist_id: int, start: datetime) -> str:
    """The intake page for one slot."""
    return url_for("booking.intake", specialist_id=specialist_id, start=to_rfc3339(start))


def _alternatives(specialist_id: int, error: Conflict) -> list[Alternative]:
    found = []
    for item in error.extra.get("alternatives", []):
        start = parse_start(item.get("start"))
        if start is not None:
            found.append(Alternative(start, book_url(specialist_id, start)))
    return found


def _taken(
    profile: SpecialistProfile,
    error: Conflict | None,
    *,
    status: int = 409,
    title: str | None = None,
    message: str | None = None,
):
    """The page offering the nearest free slots instead of the one asked for."""
    if title is None:
        # A lost slot comes with alternatives; other clashes (the patient's own
        # consultation at that time) do not.
        taken = error is not None and "alternatives" in error.extra
        title = _("This time was just taken") if taken else _("This time cannot be booked")
    return render_template(
        "booking/taken.html",
        profile=profile,
        title=title,
        message=message or (error.detail if error else ""),
        alternatives=_alternatives(profile.account_id, error) if error else [],
        kept_records=intake_records.count_kept(current_account())
        if current_user.role == "patient"
        else 0,
        kept_days=intake_records.KEEP_DAYS,
    ), status


def _verify_first(profile: SpecialistProfile):
    """Instead of the intake: the patient confirms their address first."""
    return render_template("booking/verify_first.html", profile=profile), 403


def _unreadable(profile: SpecialistProfile):
    return _taken(
        profile,
        None,
        status=400,
        title=_("That time could not be read"),
        message=_(
            "The booking link does not name a time we understand. "
            "Please choose a time on the specialist's page."
        ),
    )


def _intake_page(
    profile: SpecialistProfile,
    form: IntakeForm,
    start: datetime,
    status: int = 200,
    record_errors: list[booking_records.FileError] | None = None,
):
    # fees: the price card; only a code that can be used goes into the booking form
    price = fee_prices.booking_price(profile, form.sponsor_code.data)
    form.sponsor_code.data = price["sponsor_code_applied"]
    values = list(form.questions.data or [])
    while values and not (values[-1] or "").strip():
        values.pop()
    values += [""] * max(SHOWN_QUESTIONS - len(values), 0)
    return render_template(
        "booking/intake.html",
        form=form,
        profile=profile,
        licensed_regions=sorted(
            {
                lic.region
                for lic in directory.current_licences([profile.account_id], utcnow())[
                    profile.account_id
                ]
            }
        ),
        start=start,
        hold_expires=parse_start(form.hold_expires.data),
        now=utcnow(),
        question_values=values,
        max_questions=MAX_QUESTIONS,
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        draft_key=f"intake:{current_user.id}:{profile.account_id}",
        records=booking_records.rows(current_account(), parse_start(form.attempt_started.data)),
        record_errors=record_errors or [],
        kept_days=intake_records.KEEP_DAYS,
        **price,
    ), status


LAPSED_AND_TAKEN = _l(
    "Your hold on this time ended and someone else booked it. "
    "Your answers are kept in this browser: choose one of the next free times."
)


def _booked(profile: SpecialistProfile, booked: Booked, record_ids: list[int]):
    consultation = booked.consultation
    # The records uploaded while booking go with it (the ones the form listed).
    intake_records.attach(current_account(), consultation.id, record_ids, ip=request.remote_addr)
    if booked.checkout_url:  # paid on the provider's page, confirmed by its webhook
        # A link to it, not a redirect: the pages' CSP (form-action 'self') stops a form's
        # redirect to another site.
        flash(
            _(
                "Your time with %(name)s on %(when)s is held for you. Pay now to confirm it.",
                name=profile.account.full_name,
                when=local_time(consultation.start),
            ),
            "success",
        )
        return redirect(
            url_for("consultations.detail", consultation_id=consultation.id) + "#payment"
        )
    flash(
        _(
            "Your consultation with %(name)s is booked for %(when)s.",
            name=profile.account.full_name,
            when=local_time(consultation.start),
        ),
        "success",
    )
    return redirect(url_for("consultations.detail", consultation_id=consultation.id))


def _checkout(profile: SpecialistProfile, form: IntakeForm, start: datetime, hold_id):
    """Book the form's intake at its price (``services/fees/checkout``)."""
    return checkout.book(
        current_account(),
        profile.account_id,
        start,
        form.intake(),
        now=utcnow(),
        hold_id=hold_id,
        ip=request.remote_addr,
        sponsor_code=form.sponsor_code.data,
    )


def _book_after_lapse(
    profile: SpecialistProfile, form: IntakeForm, start: datetime, record_ids: list[int]
):
    """The hold lapsed before the form came: book if the time is still free, or say it was
    taken. Records uploaded meanwhile go with the booking, or stay kept for the next try."""
    try:
        booked = _checkout(profile, form, start, hold_id=None)
    except PaymentUnavailable as error:
        flash(error.detail, "error")
        return _intake_page(profile, form, start, 503)
    except Conflict as error:
        return _taken(profile, error, title=_("This time was taken"), message=LAPSED_AND_TAKEN)
    except Invalid as error:
        form.hold_id.data = form.hold_expires.data = ""
        apply_errors(form, error)
        return _intake_page(profile, form, start, status=422)
    return _booked(profile, booked, record_ids)


@bp.get("/book/<int(max=2147483647):specialist_id>")
@login_required
def intake(specialist_id: int):
    """Hold the chosen time and show the intake form."""
    profile = availability.get_profile(specialist_id)
    if current_user.role == "patient" and needs_verification(current_account()):
        return _verify_first(profile)
    start = parse_start(request.args.get("start"))
    if start is None:
        return _unreadable(profile)
    try:
        hold = booking.place_hold(
            current_account(),
            specialist_id,
            start,
            now=utcnow(),
            minutes=current_app.config["HOLD_MINUTES"],
        )
    except Conflict as error:
        return _taken(profile, error)
    form = IntakeForm(
        formdata=None,
        start=to_rfc3339(hold.start),
        hold_id=str(hold.id),
        hold_expires=to_rfc3339(hold.expires_at),
        # Directory (issue 19.1): the place the patient searched for comes along as
        # ?region=US-NY from the specialist's page, else the patient's usual place; the
        # booking service still checks it.
        patient_region=home_region.default(current_account(), request.args.get("region")),
        sponsor_code=request.args.get("sponsor_code", ""),
        attempt_started=to_rfc3339(hold.created_at),
    )
    return _intake_page(profile, form, hold.start)


@bp.post("/book/<int(max=2147483647):specialist_id>")
@login_required
def book(specialist_id: int):
    """Book the held time with the patient's intake."""
    profile = availability.get_profile(specialist_id)
    if current_user.role == "patient" and needs_verification(current_account()):
        return _verify_first(profile)
    form = IntakeForm()
    start = parse_start(form.start.data)
    if start is None:
        return _unreadable(profile)
    if current_user.role == "patient":
        # The records step first: a "Remove" or "Upload" button, or files sent with the form.
        removed = booking_records.removal()
        if removed is not None:
            intake_records.remove(current_account(), removed, ip=request.remote_addr)
            flash(_("The record is removed."), "success")
            return _intake_page(profile, form, start)
        kept, refused = booking_records.upload_posted(current_account())
        if refused:
            return _intake_page(profile, form, start, status=422, record_errors=refused)
        if request.form.get("action") == "upload":
            if kept:
                flash(
                    _("Your records are uploaded. Book the consultation to send them."), "success"
                )
            return _intake_page(profile, form, start)
        record_ids = [*booking_records.posted_ids(), *(record.id for record in kept)]
    else:
        record_ids = []
    if form.validate_on_submit():
        try:
            booked = _checkout(profile, form, start, hold_id=form.hold_number())
        except PaymentUnavailable as error:
            flash(error.detail, "error")
            return _intake_page(profile, form, start, 503)
        except Conflict as error:
            lapsed = parse_start(form.hold_expires.data)
            if lapsed is not None and lapsed <= utcnow() and "alternatives" in error.extra:
                return _taken(
                    profile, error, title=_("This time was taken"), message=LAPSED_AND_TAKEN
                )
            return _taken(profile, error)
        except Invalid as error:
            if "hold_id" in error.errors and not error.errors.keys() - {"hold_id"}:
                # The hold lapsed: book the time now if it is still free, else say it was taken.
                return _book_after_lapse(profile, form, start, record_ids)
            if "hold_id" in error.errors:
                # Without a hold the next try re-checks the time itself.
                error.errors["hold_id"] = [str(HOLD_GONE)]
                form.hold_id.data = form.hold_expires.data = ""
            apply_errors(form, error)
        else:
            return _booked(profile, booked, record_ids)
    return _intake_page(profile, form, start, status=422)


@bp.post("/book/<int(max=2147483647):specialist_id>/records")
@login_required
def upload_records(specialist_id: int):
    """The records step's script: keep the posted file(s) and answer in JSON.

    The answer carries each kept record's row of the list, rendered here so the script
    stays small and the words stay translated.
    """
    availability.get_profile(specialist_id)  # 404 for no such specialist
    if current_user.role != "patient":
        return jsonify(error=_("Only patients upload records while booking.")), 403
    kept, refused = booking_records.upload_posted(current_account())
    body = booking_records.as_json(kept, refused)
    row = get_template_attribute("booking/_records.html", "record_row")
    for item, record in zip(body["records"], kept, strict=True):
        item["html"] = str(
            row(
                booking_records.RecordRow(
                    record.id, record.filename, record.kind, record.size, earlier=False
                )
            )
        )
    return jsonify(body), 422 if refused and not kept else 200
