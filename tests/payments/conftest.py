"""Payment fixtures: the fake Stripe, an app paid through it, a specialist with a fee."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_stripe import FakeStripe

FEE_CENTS = 20000  # the factory specialist's fee (tests/factories.py PROFILE), EUR


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    """A fake Stripe API and hosted page on 127.0.0.1; fails the test if a handler crashed."""
    with FakeStripe() as fake:
        yield fake
    if fake.errors:
        pytest.fail(f"fake Stripe handler errors: {fake.errors!r}", pytrace=False)


@pytest.fixture
def pay_app(app, make_app, clock, fake_stripe, smtp_server):
    """The app taking payments through the fake Stripe, its mail to the SMTP server.

    Built after (and pushed over) ``app``, which the factories need.
    """
    app = make_app(
        CLOCK=clock,
        CANCEL_CUTOFF_HOURS=0,
        **fake_stripe.app_config(),
        **smtp_server.app_config(),
    )
    with app.app_context():
        yield app


@pytest.fixture
def doctor(pay_app, make_specialist):
    """A specialist open every day around the clock (UTC), fee EUR 200.00."""
    return make_specialist(
        timezone="UTC",
        weekly=[(d, 0, 1440) for d in range(7)],
        horizon=30,
        full_name="Dr Ada Vance",
    )
