"""Absolute links made while serving a request: the request's own root, then nothing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from telesecond.services import links


@pytest.fixture
def probe_app(make_app):
    """An app with a page that answers the absolute link services would make for ``/x``."""

    def factory(**settings):
        app = make_app(**settings)
        app.add_url_rule("/probe", "probe", lambda: links.absolute("/x"))
        return app

    return factory


def test_a_request_lends_its_root_behind_the_proxy(probe_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "clinic.example"}
    response = probe_app(TRUSTED_PROXIES=1).test_client().get("/probe", headers=forwarded)
    assert response.text == "https://clinic.example/x"


def test_without_a_trusted_proxy_forwarded_headers_do_not_move_links(probe_app):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    response = probe_app().test_client().get("/probe", headers=forged)
    assert response.text == "http://localhost/x"


def test_public_base_url_wins_over_the_request(probe_app):
    app = probe_app(PUBLIC_BASE_URL="https://public.example/")
    assert app.test_client().get("/probe").text == "https://public.example/x"


def test_the_root_is_forgotten_when_the_request_ends(probe_app):
    app = probe_app()
    # A plain client shares this context, so a root left behind would show below.
    app.test_client_class = FlaskClient
    with app.app_context():
        assert app.test_client().get("/probe").text == "http://localhost/x"
        assert links.absolute("/x") == links.FALLBACK_BASE + "/x"
