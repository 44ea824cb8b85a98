"""Sign-up leads on (issue 19): "Create a specialist account" opens the form with
*specialist* chosen, and a patient who confirms their address goes on to find a specialist.
"""

from __future__ import annotations

import re

from tests.accounts.conftest import last_to, link_in
from tests.web_forms import csrf_token

PATIENT = {
    "email": "ada.patient@example.org",
    "password": "a-long-enough-password",
    "full_name": "Ada Patient",
    "role": "patient",
    "timezone": "America/New_York",
    "phone": "",
}


def chosen_role(html: str) -> list[str]:
    return re.findall(r'<input checked[^>]*name="role"[^>]*value="(\w+)"', html)


def test_create_a_specialist_account_opens_the_form_with_specialist_chosen(mail_client):
    home = mail_client.get("/").text
    link = re.search(r'<a href="([^"]+)">Create a specialist account</a>', home).group(1)
    assert chosen_role(mail_client.get(link).text) == ["specialist"]
    assert chosen_role(mail_client.get("/register").text) == ["patient"]
    # Anything else in the link leaves the usual choice.
    assert chosen_role(mail_client.get("/register?role=admin").text) == ["patient"]


def sign_up(client, **changes):
    page = client.get("/register")
    return client.post(
        "/register", data={**PATIENT, **changes, "csrf_token": csrf_token(page.text)}
    )


def confirm(client, smtp_server, address=PATIENT["email"]):
    token = link_in(last_to(smtp_server, address), "/verify-email")
    page = client.get(f"/verify-email/{token}")
    return client.post(f"/verify-email/{token}", data={"csrf_token": csrf_token(page.text)})


def test_a_patient_who_confirms_their_address_goes_on_to_find_a_specialist(
    mail_client, smtp_server
):
    checking = sign_up(mail_client)
    assert checking.status_code == 200
    assert "we take you to" in checking.text
    assert 'href="/specialists"' in checking.text

    confirmed = confirm(mail_client, smtp_server)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].endswith("/login?next=/specialists")
    login_page = mail_client.get(confirmed.headers["Location"])
    assert "Sign in, then find your specialist." in login_page.text

    signed_in = mail_client.post(
        confirmed.headers["Location"],
        data={
            "email": PATIENT["email"],
            "password": PATIENT["password"],
            "csrf_token": csrf_token(login_page.text),
        },
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/specialists")
    directory = mail_client.get(signed_in.headers["Location"])
    assert "<h1>Find a specialist</h1>" in directory.text


def test_a_signed_in_patient_who_confirms_goes_straight_to_the_directory(mail_client, smtp_server):
    sign_up(mail_client)
    page = mail_client.get("/login")
    mail_client.post(
        "/login",
        data={
            "email": PATIENT["email"],
            "password": PATIENT["password"],
            "csrf_token": csrf_token(page.text),
        },
    )
    confirmed = confirm(mail_client, smtp_server)
    assert confirmed.headers["Location"].endswith("/specialists")
    directory = mail_client.get("/specialists")
    assert "Now find your specialist." in directory.text


def test_a_specialist_who_confirms_is_not_sent_to_the_directory(mail_client, smtp_server):
    address = "dr.new@example.org"
    sign_up(
        mail_client,
        email=address,
        role="specialist",
        full_name="Dr New",
        password="a-much-longer-specialist-password",
    )
    confirmed = confirm(mail_client, smtp_server, address)
    assert confirmed.headers["Location"].endswith("/login")
