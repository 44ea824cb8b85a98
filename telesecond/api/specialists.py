"""Specialist profiles, availability, time off, the directory and free slots."""

from __future__ import annotations

from datetime import date, timedelta

from flask import g, jsonify, request

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.api.parsing import Fields, json_object, query_instant
from telesecond.clock import utcnow
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.tags import format_hhmm, parse_hhmm
from telesecond.models import SpecialistLicence, SpecialistProfile, TimeOff
from telesecond.services.errors import Invalid
from telesecond.services.scheduling import availability, directory, specialists, suggestions


def licence_json(licence: SpecialistLicence) -> dict:
    """A verified licence as the public sees it (no number, no evidence note)."""
    return {
        "region": licence.region,
        "issuer": licence.issuer,
        "expires_on": licence.expires_on.isoformat(),
    }


def specialist_json(
    profile: SpecialistProfile, *, licences: list[SpecialistLicence], next_start=None
) -> dict:
    """The public view of a specialist: regions are those of current verified licences."""
    return {
        "id": profile.account_id,
        "full_name": profile.account.full_name,
        "verified": profile.verification == "verified",
        "specialties": profile.labels("specialty"),
        "conditions": profile.labels("condition"),
        "languages": profile.labels("language"),
        "licensed_regions": sorted({lic.region for lic in licences}),
        "licences": [licence_json(lic) for lic in licences],
        "bio": profile.bio,
        "credentials": profile.credentials,
        "fee_cents": profile.fee_cents,
        "currency": profile.currency,
        "timezone": profile.timezone,
        "consultation_minutes": profile.consultation_minutes,
        "next_available_start": to_rfc3339(next_start),
    }


def availability_json(profile: SpecialistProfile) -> dict:
    """The specialist's own view of their hours and settings."""
    overrides: dict[date, list] = {}
    for row in profile.overrides:
        windows = overrides.setdefault(row.day, [])
        if row.start_minute is not None:
            windows.append(
                {"start": format_hhmm(row.start_minute), "end": format_hhmm(row.end_minute)}
            )
    now = utcnow()
    return {
        "timezone": profile.timezone,
        "weekly": [
            {
                "weekday": w.weekday,
                "start": format_hhmm(w.start_minute),
                "end": format_hhmm(w.end_minute),
            }
            for w in profile.windows
        ],
        "overrides": [{"date": d.isoformat(), "windows": w} for d, w in sorted(overrides.items())],
        "consultation_minutes": profile.consultation_minutes,
        "buffer_minutes": profile.buffer_minutes,
        "min_notice_minutes": profile.min_notice_minutes,
        "horizon_days": profile.horizon_days,
        "time_off": [
            time_off_json(t) for t in specialists.time_off_of(profile.account_id, since=now)
        ],
    }


def time_off_json(entry: TimeOff) -> dict:
    return {
        "id": entry.id,
        "start": to_rfc3339(entry.start),
        "end": to_rfc3339(entry.end),
        "note": entry.note,
    }


def _window(item) -> tuple[int, int]:
    if not isinstance(item, dict):
        raise ValueError('Each window is {"start": "HH:MM", "end": "HH:MM"}.')
    return parse_hhmm(item.get("start")), parse_hhmm(item.get("end"), allow_24=True)


def _weekly(value) -> list[tuple[int, int, int]]:
    if not isinstance(value, list) or len(value) > 100:
        raise ValueError("Give a list of at most 100 windows.")
    out = []
    for item in value:
        weekday = item.get("weekday") if isinstance(item, dict) else None
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError("Each window needs a weekday from 0 (Monday) to 6 (Sunday).")
        out.append((weekday, *_window(item)))
    return out


def _overrides(value) -> list[tuple[date, list[tuple[int, int]]]]:
    if not isinstance(value, list) or len(value) > 400:
        raise ValueError("Give a list of at most 400 dates.")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("date"), str):
            raise ValueError('Each override is {"date": "YYYY-MM-DD", "windows": [...]}.')
        try:
            day = date.fromisoformat(item["date"])
        except ValueError:
            raise ValueError(f"{item['date'][:20]!r} is not a date (YYYY-MM-DD).") from None
        windows = item.get("windows", [])
        if not isinstance(windows, list) or len(windows) > 20:
            raise ValueError("Give at most 20 windows per date.")
        out.append((day, [_window(w) for w in windows]))
    return out


@bp.put("/me/specialist-profile")
@documented(
    "Replace the caller's public specialist profile",
    body="SpecialistProfileInput",
    response="Specialist",
    errors=("400", "403", "422"),
)
@require_auth("specialist")
def put_specialist_profile():
    f = Fields(json_object())
    values = {
        "specialties": f.strings("specialties", max_items=20, max_len=120),
        "conditions": f.strings("conditions", max_items=50, max_len=120),
        "languages": f.strings("languages", max_items=20, max_len=35),
        "licensed_regions": f.strings("licensed_regions", max_items=100, max_len=10),
        "bio": f.string("bio", required=False, max_len=5000, default=""),
        "credentials": f.string("credentials", required=False, max_len=2000, default=""),
        "fee_cents": f.integer("fee_cents", maximum=10_000_000),
        "currency": f.string("currency", max_len=3),
    }
    f.check()
    now = utcnow()
    profile = specialists.update_profile(g.api_account, **values, ip=request.remote_addr, now=now)
    licences = directory.current_licences([profile.account_id], now)[profile.account_id]
    body = specialist_json(
        profile, licences=licences, next_start=availability.next_available(profile, now)
    )
    # The specialist's own view also shows what they claim and where their review stands.
    body["claimed_regions"] = profile.labels("region")
    body["verification"] = profile.verification
    return jsonify(body)


@bp.get("/me/availability")
@documented(
    "The caller's weekly hours, overrides, time off and slot settings",
    response="Availability",
    errors=("403",),
)
@require_auth("specialist")
def get_availability():
    return jsonify(availability_json(specialists.own_profile(g.api_account, now=utcnow())))


@bp.put("/me/availability")
@documented(
    "Replace the caller's weekly hours and slot settings",
    body="AvailabilityInput",
    response="Availability",
    errors=("400", "403", "422"),
)
@require_auth("specialist")
def put_availability():
    f = Fields(json_object())
    data = specialists.AvailabilityInput(
        timezone=f.string("timezone", max_len=64),
        weekly=f.custom("weekly", _weekly),
        overrides=f.custom("overrides", _overrides, required=False),
        consultation_minutes=f.integer("consultation_minutes", maximum=100_000),
        buffer_minutes=f.integer("buffer_minutes", maximum=100_000),
        min_notice_minutes=f.integer("min_notice_minutes", maximum=1_000_000),
        horizon_days=f.integer("horizon_days", maximum=100_000),
    )
    f.check()
    profile = specialists.set_availability(
        g.api_account, data, ip=request.remote_addr, now=utcnow()
    )
    return jsonify(availability_json(profile))


@bp.post("/me/time-off")
@documented(
    "Block a stretch of time",
    body="TimeOffInput",
    ok="201",
    response="TimeOff",
    errors=("400", "403", "422"),
)
@require_auth("specialist")
def post_time_off():
    f = Fields(json_object())
    start, end = f.instant("start"), f.instant("end")
    note = f.string("note", required=False, max_len=200, default="")
    f.check()
    entry = specialists.add_time_off(
        g.api_account, start=start, end=end, note=note, ip=request.remote_addr, now=utcnow()
    )
    return jsonify(time_off_json(entry)), 201


@bp.delete("/me/time-off/<int:time_off_id>")
@documented("Remove time off", ok="204", errors=("403", "404"))
@require_auth("specialist")
def delete_time_off(time_off_id: int):
    specialists.delete_time_off(g.api_account, time_off_id, ip=request.remote_addr)
    return "", 204


def _limit() -> int:
    raw = request.args.get("limit", str(directory.DEFAULT_LIMIT))
    if not raw.isdigit() or len(raw) > 4:
        raise Invalid.field("limit", f"Use a limit between 1 and {directory.MAX_LIMIT}.")
    return int(raw)


@bp.get("/specialists")
@documented(
    "Search specialists, soonest availability first",
    response="SpecialistPage",
    public=True,
    errors=("400", "422"),
)
def list_specialists():
    args = request.args
    filters = directory.Filters(
        specialty=args.get("specialty"),
        condition=args.get("condition"),
        language=args.get("language"),
        region=args.get("region"),
    )
    now = utcnow()
    profiles, cursor = directory.search(filters, now=now, cursor=args.get("cursor"), limit=_limit())
    licences = directory.current_licences([p.account_id for p in profiles], now)
    items = [
        specialist_json(p, licences=licences[p.account_id], next_start=p.next_available_at)
        for p in profiles
    ]
    return jsonify({"items": items, "next": cursor})


@bp.get("/directory/suggestions")
@documented(
    "Suggestions while typing a directory search field (field, q, limit?)",
    response="SuggestionList",
    public=True,
    errors=("422",),
)
def directory_suggestions():
    args = request.args
    raw = args.get("limit", str(suggestions.DEFAULT_LIMIT))
    if not raw.isdigit() or len(raw) > 3:
        raise Invalid.field("limit", f"Use a limit between 1 and {suggestions.MAX_LIMIT}.")
    field = args.get("field", "")
    found = suggestions.suggest(field, args.get("q", ""), limit=int(raw))
    return jsonify({"field": field, "items": [{"label": s.label, "code": s.code} for s in found]})


@bp.get("/specialists/<int:specialist_id>")
@documented("One specialist", response="Specialist", public=True, errors=("404",))
def get_specialist(specialist_id: int):
    now = utcnow()
    profile, start = availability.public_profile(specialist_id, now)
    licences = directory.current_licences([specialist_id], now)[specialist_id]
    return jsonify(specialist_json(profile, licences=licences, next_start=start))


@bp.get("/specialists/<int:specialist_id>/slots")
@documented(
    "Free slots between start and end (at most 62 days)",
    response="SlotList",
    public=True,
    errors=("404", "422"),
)
def get_slots(specialist_id: int):
    now = utcnow()
    start = query_instant("start", required=False) or now
    end = query_instant("end", required=False) or start + timedelta(days=7)
    slots = availability.free_slots(specialist_id, start, end, now=now)
    return jsonify(
        {
            "specialist_id": specialist_id,
            "items": [{"start": to_rfc3339(s.start), "end": to_rfc3339(s.end)} for s in slots],
        }
    )
