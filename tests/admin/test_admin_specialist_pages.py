"""The admin's HTML pages: list, verify with several licences, refuse, suspend, reinstate."""

from __future__ import annotations

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import SpecialistLicence, SpecialistProfile


def state_of(specialist_id: int) -> str:
    db.session.expire_all()
    return db.session.get(SpecialistProfile, specialist_id).verification


def licence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SpecialistLicence))


def rows(*licences) -> dict:
    data = {}
    for n, (region, number, issuer, until) in enumerate(licences):
        data |= {
            f"verify-licences-{n}-region": region,
            f"verify-licences-{n}-number": number,
            f"verify-licences-{n}-issuer": issuer,
            f"verify-licences-{n}-expires_on": until,
        }
    return data


def test_non_admins_do_not_see_the_pages(client, sign_in, make_account, make_specialist):
    assert client.get("/admin/specialists").status_code == 302  # to the login page
    sign_in(make_specialist())
    assert client.get("/admin/specialists").status_code == 403


def test_admin_verifies_with_several_licences(client, sign_in, submit, admin, make_specialist):
    doctor = make_specialist(verified=False, full_name="Dr Ana Pending")
    sign_in(admin)
    listing = client.get("/admin/specialists?verification=pending")
    assert listing.status_code == 200
    assert "Dr Ana Pending" in listing.text and "DE, US-CA" in listing.text
    url = f"/admin/specialists/{doctor.id}"
    assert "Claimed regions (not verified)" in client.get(url).text
    assert 'name="verify-licences-3-region"' in client.get(url + "?rows=4").text
    page = client.get(url)
    from tests.web_forms import csrf_token

    answer = client.post(
        f"{url}/verify",
        data={
            **rows(
                ("DE", "ÄK-1", "Ärztekammer Berlin", "2027-12-31"),
                ("US-CA", "A-99", "Medical Board of California", "2027-06-30"),
            ),
            "verify-note": "Registers checked.",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.status_code == 302, answer.text
    assert state_of(doctor.id) == "verified"
    assert licence_count() == 2
    assert client.get(f"/specialists/{doctor.id}").status_code == 200


def test_bad_licence_rows_are_form_errors_and_change_nothing(
    client, sign_in, admin, make_specialist
):
    from tests.web_forms import csrf_token

    doctor = make_specialist(verified=False)
    sign_in(admin)
    url = f"/admin/specialists/{doctor.id}"
    token = csrf_token(client.get(url).text)
    for data in (
        {},  # no licence at all
        rows(("Germany", "1", "Board", "2027-12-31")),
        rows(("DE", "", "Board", "2027-12-31")),
        rows(("DE", "1", "Board", "2020-01-01")),
        rows(("DE", "1", "Board", "not a date")),
        rows(("DE", "1\x00", "Board", "2027-12-31")),
    ):
        answer = client.post(f"{url}/verify", data={**data, "csrf_token": token})
        assert answer.status_code == 422, data
        assert "There is a problem with this form" in answer.text
    for action in ("refuse", "suspend", "reinstate"):
        answer = client.post(f"{url}/{action}", data={f"{action}-reason": "", "csrf_token": token})
        assert answer.status_code == 422, action
        assert "Give the reason." in answer.text, action
    # Suspending a pending specialist is refused with a message.
    answer = client.post(f"{url}/suspend", data={"suspend-reason": "x", "csrf_token": token})
    assert answer.status_code == 422 and "Only a verified specialist" in answer.text
    assert (
        client.post(f"{url}/verify", data=rows(("DE", "1", "B", "2027-01-01"))).status_code == 400
    )
    assert state_of(doctor.id) == "pending"
    assert licence_count() == 0


def test_refuse_suspend_and_reinstate_pages(
    client,
    sign_in,
    submit,
    admin,
    make_specialist,
    make_account,
    book_consultation,
    signed_in,
    app,
):
    applicant = make_specialist(verified=False)
    sign_in(admin)
    from tests.web_forms import csrf_token

    token = csrf_token(client.get(f"/admin/specialists/{applicant.id}").text)
    answer = client.post(
        f"/admin/specialists/{applicant.id}/refuse",
        data={"refuse-reason": "No licence on the register.", "csrf_token": token},
    )
    assert answer.status_code == 302
    assert state_of(applicant.id) == "refused"
    doctor_page = signed_in(app, applicant).get("/specialist/profile").text
    assert "refused" in doctor_page and "No licence on the register." in doctor_page

    doctor = make_specialist(full_name="Dr Busy Person")
    booked = book_consultation(make_account(), doctor, n=3)
    doctor_browser = signed_in(app, doctor)
    assert doctor_browser.get("/specialist/profile").status_code == 200
    answer = client.post(
        f"/admin/specialists/{doctor.id}/suspend",
        data={"suspend-reason": "Under investigation.", "csrf_token": token},
    )
    assert answer.status_code == 302
    assert state_of(doctor.id) == "suspended"
    # The specialist's browser session ended; their upcoming consultation is listed.
    assert doctor_browser.get("/specialist/profile").status_code == 302
    page = client.get(f"/admin/specialists/{doctor.id}").text
    assert f"<li>Consultation #{booked.id} on <time datetime=" in page
    assert "Dr Busy Person" not in client.get("/specialists").text
    answer = client.post(
        f"/admin/specialists/{doctor.id}/reinstate",
        data={"reinstate-reason": "Cleared.", "csrf_token": token},
    )
    assert answer.status_code == 302
    assert state_of(doctor.id) == "verified"
    assert "Dr Busy Person" in client.get("/specialists").text
