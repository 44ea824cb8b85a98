"""The password rule (``domain/passwords.py``): long enough for the role, not guessable."""

from __future__ import annotations

import pytest

from telesecond.domain.passwords import password_problem


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "Repeats"),
        ("1234567890", "common password"),
        ("password12", "common password"),
        ("qwertyuiop", "common password"),
        ("Zq#8Zq#8Zq#8Zq#8", "Repeats"),
    ],
)
def test_common_or_guessable_passwords_are_refused_with_zxcvbns_reason(password, reason):
    problem = password_problem(password, role="patient")
    assert problem is not None
    assert reason.lower() in problem.lower()


@pytest.mark.parametrize(("role", "shortest"), [("patient", 10), ("specialist", 12), ("admin", 12)])
def test_each_role_has_its_minimum_length(role, shortest):
    assert password_problem("mauve-kettle-drifts-north", role=role) is None
    short = "kX9#mP2$vL7@qR4!"[: shortest - 1]
    assert password_problem(short, role=role) == f"Use at least {shortest} characters."


def test_eleven_characters_do_for_a_patient_not_a_clinician():
    password = "kX9#mP2$vL7"
    assert password_problem(password, role="patient") is None
    assert password_problem(password, role="specialist") == "Use at least 12 characters."


def test_a_password_made_of_the_persons_own_email_or_name_is_refused():
    password = "ada.lovelace.1815"
    assert password_problem(password, role="patient") is None
    problem = password_problem(
        password, role="patient", user_inputs=["ada.lovelace@example.org", "Ada Lovelace"]
    )
    assert problem is not None and problem.endswith(".")


def test_unknown_roles_get_the_strictest_length_and_huge_passwords_are_refused():
    assert password_problem("kX9#mP2$vL7", role="robot") == "Use at least 12 characters."
    assert password_problem("x" * 1025, role="patient") == "Use at most 1024 characters."
    # Long and strong: zxcvbn judges a prefix, so the time stays bounded.
    assert password_problem("correct horse battery staple " * 30, role="admin") is None
