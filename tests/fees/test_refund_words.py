"""The clinic's refund rules in plain words, in the reader's language."""

from __future__ import annotations

import pytest

from telesecond.domain.refund_policy import DEFAULT, parse
from telesecond.services.fees.terms import in_words
from telesecond.services.languages import in_language


def test_the_default_in_plain_words(app):
    assert in_words(parse(DEFAULT)) == [
        "A full refund if you cancel at least 24 hours before the call.",
        "A refund of half the fee (50%) if you cancel less than 24 hours before the call, "
        "up to its start.",
        "No refund once the call has started.",
        "No refund once the written opinion is signed.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "75%:48h,25%:1h",
            [
                "A refund of 75% of the fee if you cancel at least 48 hours before the call.",
                "A refund of 25% of the fee if you cancel less than 48 hours but at least "
                "1 hour before the call.",
                "No refund if you cancel less than 1 hour before the call.",
            ],
        ),
        (
            "full:0h,full:signed",
            [
                "A full refund if you cancel before the call starts.",
                "No refund once the call has started.",
                "A full refund once the written opinion is signed.",
            ],
        ),
        (
            "full:72h,none:24h",
            [
                "A full refund if you cancel at least 72 hours before the call.",
                "No refund if you cancel less than 72 hours but at least 24 hours before the call.",
            ],
        ),
        (
            "none:signed",
            ["No refund if you cancel.", "No refund once the written opinion is signed."],
        ),
    ],
)
def test_other_policies_in_plain_words(app, text, sentences):
    assert in_words(parse(text)) == sentences


def test_the_rules_in_spanish_and_hindi(app):
    with in_language("es"):
        spanish = in_words(parse("75%:48h,25%:1h,full:signed"))
    assert spanish[0] == (
        "Un reembolso del 75 % de la tarifa si cancela con al menos 48 horas de antelación."
    )
    assert spanish[-1] == "Un reembolso completo una vez firmada la opinión escrita."
    with in_language("hi"):
        hindi = in_words(parse(DEFAULT))
    assert all(sentence and "refund" not in sentence for sentence in hindi)
