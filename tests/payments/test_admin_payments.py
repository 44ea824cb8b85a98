"""The admin's payments page: filters, month totals, CSV export with formulas defused."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from tests.payments.test_checkout import book, webhook
from tests.web_forms import login

MON_10 = "2026-03-02T10:00:00Z"
APR_10 = "2026-04-01T10:00:00Z"


def pay(client, fake_stripe, headers, doctor_id, start):
    body = book(client, headers, doctor_id, start).json
    session = next(s for s in fake_stripe.sessions.values() if s["status"] == "open")
    assert webhook(client, *fake_stripe.pay(session["id"])).json["outcome"] == "confirmed"
    return body["id"]


def test_payments_list_filters_totals_and_csv(
    pay_app, make_specialist, make_account, auth_header, fake_stripe, clock
):
    hours = [(d, 0, 1440) for d in range(7)]
    plain = make_specialist(timezone="UTC", weekly=hours, full_name="Dr Plain Person")
    tricky = make_specialist(
        timezone="UTC",
        weekly=hours,
        full_name='=HYPERLINK("http://x")',
        profile={"fee_cents": 15050, "currency": "EUR"},
    )
    client = pay_app.test_client()
    headers = auth_header(make_account(email="+attacker@example.org"), hours=24 * 60)
    pay(client, fake_stripe, headers, plain.id, MON_10)
    clock.advance(days=28)  # into March 30th; the next payment is made then
    clock.advance(days=3)  # April 2nd
    pay(
        client,
        fake_stripe,
        auth_header(make_account(), hours=24 * 60),
        tricky.id,
        "2026-04-03T10:00:00Z",
    )

    admin = make_account(role="admin", timezone="UTC")
    console = pay_app.test_client()
    login(console, admin)
    page = console.get("/admin/payments")
    assert page.status_code == 200
    assert page.text.count('id="payment-') == 2
    assert "2026-04" in page.text and "2026-03" in page.text
    assert "EUR 150.50" in page.text and "EUR 200.00" in page.text

    only = console.get(f"/admin/payments?specialist={tricky.id}")
    assert only.text.count('id="payment-') == 1
    march = console.get("/admin/payments?start=2026-03-01&end=2026-03-31")
    assert march.text.count('id="payment-') == 1 and "Dr Plain Person" in march.text
    assert console.get("/admin/payments?status=refunded").text.count('id="payment-') == 0
    bad = console.get("/admin/payments?status=stolen&start=2026-13-01")
    assert bad.status_code == 422
    assert "Choose a value from the list." in bad.text and "Enter a date" in bad.text

    exported = console.get("/admin/payments.csv")
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["record", "payment_id", "consultation_id"]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'+attacker@example.org" in cells
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells)
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "payments.exported")
        ).actor_id
        == admin.id
    )


def test_the_payments_page_is_for_admins_only(pay_app, make_account):
    visitor = pay_app.test_client()
    assert visitor.get("/admin/payments").status_code == 302
    login(visitor, make_account())
    assert visitor.get("/admin/payments").status_code == 403
    assert visitor.get("/admin/payments.csv").status_code == 403
