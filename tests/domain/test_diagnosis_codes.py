"""ICD-10 codes as typed for a receipt: what is accepted, how it is tidied, what is not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telesecond.domain.diagnosis_codes import MAX_CODES, NotACode, TooMany, parse, tidy


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("", ()),
        ("   ", ()),
        ("C50.911", ("C50.911",)),
        ("c50911", ("C50.911",)),  # no dot, lower case
        ("E11.9, Z80.3", ("E11.9", "Z80.3")),
        ("E11.9;Z80.3\nI10", ("E11.9", "Z80.3", "I10")),
        ("S52.521A U07.1", ("S52.521A", "U07.1")),  # a 7th character; a WHO code
        ("C50.911, c50911, C50.911", ("C50.911",)),  # each once
        ("I10", ("I10",)),  # a category on its own
    ],
)
def test_codes_are_read_and_tidied(typed, codes):
    assert parse(typed) == codes


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("C50-911", "C50-911"),
        ("C50.", "C50."),  # a dot with nothing after it
        ("C50.91111", "C50.91111"),  # five characters after the dot
        ("5C0.9", "5C0.9"),
        ("breast", "BREAST"),
        ("E11.9, C5", "C5"),  # the first bad one is named, after good ones
        ("C50.9 Ü10", "Ü10"),
    ],
)
def test_a_word_not_in_icd10_form_is_named(typed, named):
    with pytest.raises(NotACode) as raised:
        parse(typed)
    assert raised.value.word == named


def test_at_most_a_claim_forms_worth_of_codes():
    many = ", ".join(f"A{n:02d}" for n in range(MAX_CODES + 1))
    with pytest.raises(TooMany) as raised:
        parse(many)
    assert (raised.value.what, raised.value.limit) == ("codes", MAX_CODES)
    assert len(parse(many.rsplit(",", 1)[0])) == MAX_CODES
    with pytest.raises(TooMany) as raised:
        parse("A00 " * 100)
    assert raised.value.what == "characters"


_CHAR = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@settings(max_examples=200, deadline=None)  # the machine is shared: no timing limit
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            st.sampled_from("0123456789"),
            _CHAR,
            st.text(_CHAR, min_size=0, max_size=4),
            st.booleans(),
        ),
        max_size=MAX_CODES,
    )
)
def test_tidied_codes_read_back_as_themselves(parts):
    typed = ", ".join(
        f"{a}{b}{c}{'.' if dot and rest else ''}{rest}".lower() for a, b, c, rest, dot in parts
    )
    codes = parse(typed)
    assert parse(", ".join(codes)) == codes
    assert all(tidy(code) == code and code == code.upper() for code in codes)
