"""Admins find accounts, deactivate and reactivate them; nobody else gets in."""

from __future__ import annotations

import pytest

from telesecond.extensions import db
from telesecond.models import SpecialistProfile
from tests.admin.console import admin_client_fixture, admin_fixture, audit_rows  # noqa: F401
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

GET_ROUTES = [
    "/admin",
    "/admin/users",
    "/admin/users/1",
    "/admin/consultations",
    "/admin/consultations/1",
    "/admin/audit",
    "/admin/audit.csv",
    "/admin/reminders",
    "/admin/opinions",
]
POST_ROUTES = [
    "/admin/users/1/deactivate",
    "/admin/users/1/reactivate",
    "/admin/reminders/1/resend",
]


def test_visitors_sign_in_first_and_non_admins_are_refused_everywhere(
    app, client, make_account, make_specialist, signed_in
):
    target = make_account()
    routes = [r.replace("/1", f"/{target.id}") for r in GET_ROUTES]
    posts = [r.replace("/1", f"/{target.id}") for r in POST_ROUTES]
    for url in routes:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
    for person in (make_account(), make_specialist()):
        browser = signed_in(app, person)
        for url in routes:
            assert browser.get(url).status_code == 403, url
        token = csrf_token(browser.get("/account").text)
        for url in posts:
            response = browser.post(url, data={"csrf_token": token, "reason": "x"})
            assert response.status_code == 403, url
    db.session.expire_all()
    assert target.active
    assert audit_rows("account.deactivated") == []


def test_search_by_name_email_role_and_state_in_pages(app, admin, admin_client, make_account):
    for n in range(30):
        make_account(email=f"walker{n:02}@example.org", full_name=f"Jo Walker {n:02}")
    make_account(role="specialist", email="dr.lind@example.org", full_name="Dr Mira Lind")
    make_account(email="gone@example.org", full_name="Gone Person", active=False)

    first = admin_client.get("/admin/users", query_string={"q": "walker"})
    assert first.status_code == 200
    assert "30 accounts" in first.text
    assert "walker00@example.org" in first.text and "walker25@example.org" not in first.text
    assert "Page 1 of 2" in first.text
    second = admin_client.get("/admin/users", query_string={"q": "walker", "page": 2})
    assert "walker25@example.org" in second.text and "walker00@example.org" not in second.text

    by_name = admin_client.get("/admin/users", query_string={"q": "MIRA"})
    assert "dr.lind@example.org" in by_name.text and "1 account<" in by_name.text
    specialists = admin_client.get("/admin/users", query_string={"role": "specialist"})
    assert "dr.lind@example.org" in specialists.text and "walker" not in specialists.text
    gone = admin_client.get("/admin/users", query_string={"state": "deactivated"})
    assert "gone@example.org" in gone.text and "walker" not in gone.text
    # A LIKE wildcard is searched for as itself.
    assert "No account matches." in admin_client.get("/admin/users?q=%25").text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"role": "wizard"}, "Choose a value from the list."),
        ({"state": "asleep"}, "Choose a value from the list."),
        ({"page": "0"}, "Enter a whole number from 1."),
        ({"page": "abc"}, "Enter a whole number from 1."),
        ({"page": "9" * 40}, "Enter a whole number from 1."),
        ({"page": "٣"}, "Enter a whole number from 1."),
        ({"q": "x" * 500}, "Use at most 200 characters."),
    ],
)
def test_bad_search_input_is_a_form_error(app, admin_client, query, message):
    response = admin_client.get("/admin/users", query_string=query)
    assert response.status_code == 422
    assert message in response.text


def test_deactivation_signs_the_account_out_everywhere_and_keeps_it_out(
    app, admin, admin_client, make_account, signed_in, auth_header, client
):
    patient = make_account(email="pat@example.org")
    browser = signed_in(app, patient)
    token = auth_header(patient)
    assert browser.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=token).status_code == 200

    page = admin_client.get(f"/admin/users/{patient.id}")
    assert page.status_code == 200 and "Deactivate account" in page.text
    done = admin_client.post(
        f"/admin/users/{patient.id}/deactivate",
        data={"reason": "Asked us to close it", "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "signed out everywhere" in done.text and "Asked us to close it" in done.text

    # The copied cookie opens nothing, the token answers 401, the password no longer works.
    assert browser.get("/account").headers["Location"].startswith("/login")
    assert client.get("/api/v1/me", headers=token).status_code == 401
    login_page = client.get("/login")
    refused = client.post(
        "/login",
        data={
            "email": patient.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(login_page.text),
        },
    )
    assert refused.status_code != 302
    assert client.get("/account").status_code == 302
    [event] = audit_rows("account.deactivated")
    assert (event.actor_id, event.target_id) == (admin.id, str(patient.id))
    assert event.detail == {"reason": "Asked us to close it"}

    page = admin_client.get(f"/admin/users/{patient.id}")
    assert "Reactivate account" in page.text
    admin_client.post(
        f"/admin/users/{patient.id}/reactivate", data={"csrf_token": csrf_token(page.text)}
    )
    [event] = audit_rows("account.reactivated")
    assert event.target_id == str(patient.id)
    assert browser.get("/account").status_code == 302  # the old session stays ended
    fresh = signed_in(app, patient)  # but the password works again
    assert fresh.get("/account").status_code == 200


def test_deactivation_needs_a_reason_and_never_targets_oneself(
    app, admin, admin_client, make_account
):
    patient = make_account()
    page = admin_client.get(f"/admin/users/{patient.id}")
    token = csrf_token(page.text)
    blank = admin_client.post(
        f"/admin/users/{patient.id}/deactivate", data={"reason": "  ", "csrf_token": token}
    )
    assert blank.status_code == 422 and "Say why the account is deactivated." in blank.text
    long = admin_client.post(
        f"/admin/users/{patient.id}/deactivate", data={"reason": "x" * 501, "csrf_token": token}
    )
    assert long.status_code == 422 and "at most 500 characters" in long.text
    db.session.expire_all()
    assert patient.active

    mine = admin_client.get(f"/admin/users/{admin.id}")
    assert "This is your own account" in mine.text and "Deactivate account" not in mine.text
    myself = admin_client.post(
        f"/admin/users/{admin.id}/deactivate", data={"reason": "oops", "csrf_token": token}
    )
    assert myself.status_code == 403
    db.session.expire_all()
    assert admin.active

    assert (
        admin_client.post(
            f"/admin/users/{patient.id}/reactivate", data={"csrf_token": token}
        ).status_code
        == 409
    )
    admin_client.post(
        f"/admin/users/{patient.id}/deactivate", data={"reason": "spam", "csrf_token": token}
    )
    again = admin_client.post(
        f"/admin/users/{patient.id}/deactivate", data={"reason": "spam", "csrf_token": token}
    )
    assert again.status_code == 409 and "already deactivated" in again.text
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert (
        admin_client.post(f"/admin/users/{patient.id}/reactivate", data={}).status_code == 400
    )  # no CSRF token
    assert len(audit_rows("account.deactivated")) == 1


def test_ids_that_match_nothing_are_404_for_an_admin(app, admin_client):
    token = csrf_token(admin_client.get("/admin").text)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin_console.") or "<" not in rule.rule:
            continue
        for value in (2**31 - 1, 2**31, 2**80):
            url = rule.rule.split("<")[0] + str(value) + rule.rule.split(">", 1)[1]
            if "GET" in rule.methods:
                assert admin_client.get(url).status_code == 404, url
            else:
                response = admin_client.post(url, data={"csrf_token": token, "reason": "r"})
                assert response.status_code == 404, url


def test_home_links_every_section_with_what_needs_attention(
    app, admin_client, make_account, make_specialist
):
    for specialist, state in ((make_specialist(), "pending"), (make_specialist(), "verified")):
        db.session.get(SpecialistProfile, specialist.id).verification = state
    db.session.commit()
    make_account(active=False)
    page = admin_client.get("/admin")
    assert page.status_code == 200
    for href in (
        "/admin/specialists",
        "/admin/users",
        "/admin/consultations",
        "/admin/audit",
        "/admin/reminders",
        "/admin/opinions",
    ):
        assert f'href="{href}"' in page.text, href
    assert "1 waiting for verification" in page.text
    assert "1 deactivated account<" in page.text
    assert "0 needing attention" in page.text
