"""``flask admin create``: an admin from the command line, with a strong password only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.domain.passwords import password_problem
from telesecond.extensions import db
from telesecond.models import Account
from tests.admin.console import audit_rows
from tests.web_forms import csrf_token

STRONG = "violet-harbour-tandem-88"


def admins() -> list[Account]:
    db.session.expire_all()
    return list(db.session.scalars(select(Account).where(Account.role == "admin")))


def test_creates_a_verified_admin_from_standard_input_who_can_sign_in(app, client):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "Root@Clinic.example", "--password-stdin"], input=STRONG + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "root@clinic.example" in result.output
    [admin] = admins()
    assert (admin.email, admin.role, admin.active) == ("root@clinic.example", "admin", True)
    assert admin.email_verified
    [event] = audit_rows("account.admin_created")
    assert event.target_id == str(admin.id)
    token = client.post("/api/v1/tokens", json={"email": admin.email, "password": STRONG})
    assert token.status_code == 201
    assert client.get("/admin", headers={}).status_code == 302  # pages still need a session


def test_asks_for_the_password_twice_when_not_on_standard_input(app):
    runner = app.test_cli_runner()
    mismatch = runner.invoke(
        args=["admin", "create", "a@clinic.example"], input=f"{STRONG}\nsomething-else-99\n"
    )
    assert mismatch.exit_code != 0
    assert "do not match" in mismatch.output
    assert admins() == []
    ok = runner.invoke(args=["admin", "create", "a@clinic.example"], input=f"{STRONG}\n{STRONG}\n")
    assert ok.exit_code == 0, ok.output
    assert STRONG not in ok.output  # the prompt hides what is typed
    assert [a.email for a in admins()] == ["a@clinic.example"]


@pytest.mark.parametrize(
    "email, password, message",
    [
        ("root@clinic.example", "short-pw1", "Use at least 12 characters."),
        ("root@clinic.example", "password1234", "very common password"),
        ("root@clinic.example", "root@clinic.example1", "Add another word or two"),
        ("not-an-address", STRONG, "Enter a valid email address."),
        ("root@clinic.example", "", "Use at least 12 characters."),
    ],
)
def test_refuses_weak_passwords_and_bad_addresses(app, email, password, message):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", email, "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert admins() == []
    assert audit_rows("account.admin_created") == []


def test_refuses_an_address_that_already_has_an_account(app, make_account):
    make_account(email="taken@clinic.example")
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "TAKEN@clinic.example", "--password-stdin"], input=STRONG
    )
    assert result.exit_code == 1
    assert "already has an account" in result.output
    assert admins() == []


ANA = ["ana.lopez@example.org"]


@pytest.mark.parametrize(
    "password, role, details, refused",
    [
        ("qwertyuiop", "patient", ANA, True),  # long enough, but guessable
        ("quiet-lemur-7", "patient", ANA, False),
        ("quiet-lemur-7", "specialist", ANA, False),
        ("tidy-ox-91a", "patient", ANA, False),
        ("tidy-ox-91a", "admin", ANA, True),  # 11 characters: too short for an admin
        ("ana.lopez@example.org", "patient", ANA, True),  # her own address
        ("ana.lopez@example.org", "patient", [], False),  # someone else's: unguessable
    ],
)
def test_password_rules_depend_on_role_and_the_persons_details(password, role, details, refused):
    problem = password_problem(password, role=role, user_inputs=details)
    assert (problem is not None) is refused, problem


def test_demo_seed_prints_the_demo_admin_who_opens_the_console(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "admin      admin@demo.telesecond.example" in first.output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    [admin] = admins()
    assert admin.email == "admin@demo.telesecond.example" and admin.email_verified
    token = csrf_token(client.get("/login").text)
    signed_in = client.post(
        "/login",
        data={"email": admin.email, "password": "demo-password-1", "csrf_token": token},
    )
    assert signed_in.status_code == 302
    assert client.get("/admin").status_code == 200
