"""Admins filter the audit log and export it as CSV that no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io

import pytest

from telesecond.domain.csv_cells import neutralise, neutralise_row
from telesecond.extensions import db
from telesecond.services import audit
from tests.admin.console import admin_client_fixture, admin_fixture, audit_rows  # noqa: F401


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+31 20 555", "'+31 20 555"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-3, "'-3"),
    ],
)
def test_cells_that_would_start_a_formula_get_an_apostrophe(value, cell):
    assert neutralise(value) == cell


def test_a_row_is_neutralised_cell_by_cell():
    assert neutralise_row(["ok", "=1", None]) == ["ok", "'=1", ""]


@pytest.fixture
def log(app, clock, admin, make_account):
    """Events on three days (Berlin), by two people and the system."""
    nurse = make_account(email="nurse.ana@example.org")
    clock.now = clock.now.replace(day=2, hour=10)
    audit.record("account.updated", actor_id=nurse.id, target_type="account", target_id=nurse.id)
    clock.advance(days=1)
    audit.record("document.viewed", actor_id=nurse.id, target_type="document", target_id=7)
    audit.record("consultation.viewed", actor_id=admin.id, target_type="consultation", target_id=3)
    clock.advance(days=1)
    audit.record("consultation.booked", actor_id=None, target_type="consultation", target_id=3)
    db.session.commit()
    return nurse


def shown(client, **query) -> list[str]:
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 200, response.text
    return [e.action for e in audit_rows_all() if f'id="audit-{e.id}"' in response.text]


def audit_rows_all():
    return [e for action in ACTIONS for e in audit_rows(action)]


ACTIONS = ("account.updated", "document.viewed", "consultation.viewed", "consultation.booked")


def test_filters_by_person_action_record_and_days(app, admin, admin_client, log):
    nurse = log
    assert set(shown(admin_client)) == set(ACTIONS)
    assert shown(admin_client, person="nurse.ana") == ["account.updated", "document.viewed"]
    assert shown(admin_client, person=str(admin.id)) == ["consultation.viewed"]
    assert shown(admin_client, action="consultation") == [
        "consultation.viewed",
        "consultation.booked",
    ]
    assert shown(admin_client, action="document.viewed") == ["document.viewed"]
    assert shown(admin_client, action="consult") == []  # a family is a whole word
    assert shown(admin_client, target_type="consultation", target_id="3") == [
        "consultation.viewed",
        "consultation.booked",
    ]
    assert shown(admin_client, target_type="account", target_id=str(nurse.id)) == [
        "account.updated"
    ]
    assert shown(admin_client, start="2026-03-03", end="2026-03-03") == [
        "document.viewed",
        "consultation.viewed",
    ]
    assert shown(admin_client, start="2026-03-04") == ["consultation.booked"]
    assert shown(admin_client, end="2026-03-02", person="nurse") == ["account.updated"]


def test_the_log_comes_in_pages(app, admin_client, clock, admin):
    for n in range(30):
        clock.advance(minutes=1)
        audit.record("token.created", actor_id=admin.id, target_type="api_token", target_id=n)
    db.session.commit()
    first = admin_client.get("/admin/audit", query_string={"action": "token.created"})
    assert "30 entries" in first.text and "Page 1 of 2" in first.text
    assert first.text.count('data-label="Action">token.created') == 25
    second = admin_client.get("/admin/audit", query_string={"action": "token.created", "page": 2})
    assert second.text.count('data-label="Action">token.created') == 5
    assert "Previous page" in second.text and "Next page" not in second.text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "03/02/2026"}, "Enter a date as YYYY-MM-DD"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "must not be before the start date"),
        ({"person": "x" * 300}, "Use at most 254 characters."),
        ({"target_id": "9" * 255}, "Use at most 254 characters."),
    ],
)
def test_bad_filters_are_form_errors_and_export_nothing(app, admin_client, query, message):
    response = admin_client.get("/admin/audit", query_string=query)
    assert response.status_code == 422 and message in response.text
    export = admin_client.get("/admin/audit.csv", query_string=query)
    assert export.status_code == 422 and message in export.text
    assert audit_rows("audit.exported") == []


def test_a_page_out_of_range_is_a_form_error(app, admin_client):
    for page in ("0", "-3", "x", "1" * 30):
        response = admin_client.get("/admin/audit", query_string={"page": page})
        assert response.status_code == 422 and "Enter a whole number from 1." in response.text


def test_csv_export_neutralises_formulas_and_is_itself_audited(
    app, admin, admin_client, make_account
):
    sly = make_account(email="sly@example.org")
    audit.record(
        "account.updated",
        actor_id=sly.id,
        target_type='=HYPERLINK("http://evil")',
        target_id="+1+1",
        ip="-2",
        detail={"note": "plain"},
    )
    audit.record("account.updated", actor_id=sly.id, target_type="@SUM(1)", target_id="\t=1")
    audit.record("login.failed", actor_id=None, target_type="account", target_id="5")
    db.session.commit()

    response = admin_client.get("/admin/audit.csv", query_string={"action": "account.updated"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    text = response.text
    assert text.splitlines()[0] == "at,actor_id,actor_email,action,target_type,target_id,ip,detail"
    assert '\'=HYPERLINK(""http://evil"")' in text
    assert ",'+1+1,'-2," in text
    assert ",'@SUM(1)," in text and ",'\t=1," in text
    assert "login.failed" not in text  # the filter holds
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    first = next(row for row in rows if row[5] == "'+1+1")
    assert first[2] == "sly@example.org" and first[7] == '{"note": "plain"}'

    [export] = audit_rows("audit.exported")
    assert export.actor_id == admin.id
    assert export.detail == {"filters": {"action": "account.updated"}, "rows": 2}
