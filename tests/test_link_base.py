"""Absolute links come from PUBLIC_BASE_URL, never from the request's Host headers."""

from __future__ import annotations

import pytest

import config
from telesecond.services import links


@pytest.fixture
def probe_app(make_app):
    """An app with a page that answers the absolute link services would make for ``/x``."""

    def factory(**settings):
        app = make_app(**settings)
        app.add_url_rule("/probe", "probe", lambda: links.absolute("/x"))
        return app

    return factory


def test_forwarded_host_headers_do_not_move_links(probe_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "attacker.localhost"}
    response = probe_app().test_client().get("/probe", headers=forwarded)
    assert response.text == "http://localhost/x"
    assert "attacker" not in response.text


def test_a_host_header_does_not_move_links(probe_app):
    response = probe_app().test_client().get("/probe", headers={"Host": "attacker.localhost"})
    assert response.text == "http://localhost/x"


def test_public_base_url_is_the_base_in_and_out_of_requests(probe_app):
    app = probe_app(PUBLIC_BASE_URL="https://public.example/")
    assert app.test_client().get("/probe").text == "https://public.example/x"
    with app.app_context():
        assert links.absolute("/x") == "https://public.example/x"


def test_testing_has_a_fixed_base(tmp_path):
    values = config.finalize(
        config.from_env({"TELESECOND_ENV": "testing", "SECRET_KEY": "s" * 40}), tmp_path
    )
    assert values["PUBLIC_BASE_URL"] == "http://localhost"


def test_development_defaults_to_the_flask_run_address(tmp_path):
    values = config.finalize(config.from_env({}), tmp_path)
    assert values["PUBLIC_BASE_URL"] == "http://localhost:5000"
    moved = config.finalize(
        config.from_env({"PUBLIC_BASE_URL": "http://127.0.0.1:8123/"}), tmp_path
    )
    assert moved["PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    "value", ["clinic.example", "ftp://clinic.example", "https://", "https://a b"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused(value, tmp_path):
    with pytest.raises(config.ConfigError, match="PUBLIC_BASE_URL"):
        config.finalize(config.from_env({"PUBLIC_BASE_URL": value}), tmp_path)


def test_run_dev_gives_both_processes_the_served_address():
    script = (config.BASE_DIR / "scripts" / "run-dev").read_text()
    exported = script.index('export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}"')
    assert exported < script.index("reminders run")
    assert exported < script.index('flask" run')
