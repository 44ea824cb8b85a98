"""Pure folding, word-prefix matching, and language and place names (issue 19.1)."""

from __future__ import annotations

import pytest

from telesecond.domain import language_names, region_names
from telesecond.domain.folding import fold, matches, rank


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Leukämie", "leukamie"),
        ("LEUCEMIA", "leucemia"),
        ("Œdème  pulmonaire", "oedeme pulmonaire"),
        ("Crohn's disease", "crohn s disease"),
        ("Straße", "strasse"),
        ("  ", ""),
    ],
)
def test_fold_forgives_case_accents_and_spacing(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("breast", "Breast cancer", 1),
        ("Brea", "Breast cancer", 1),
        ("breast cancer", "Breast cancer", 0),
        ("cancer", "Breast cancer", 2),
        ("canc brea", "Breast cancer", 2),
        ("reast", "Breast cancer", None),
        ("breast lung", "Breast cancer", None),
        ("leukä", "Leukamie", 1),
        ("", "Breast cancer", None),
    ],
)
def test_every_query_word_must_begin_a_word(query, text, expected):
    assert rank(query, text) == expected
    assert matches(query, text) is (expected is not None)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Spanish", "es"),
        ("spanish", "es"),
        ("es", "es"),
        ("ES", "es"),
        ("Brazilian Portuguese", "pt-BR"),
        ("pt_br", "pt-BR"),
        ("Yoruba", "yo"),
        ("xx", "xx"),  # a well-formed tag nobody speaks: still accepted, finds nobody
    ],
)
def test_languages_by_name_or_tag(text, tag):
    assert language_names.resolve(text) == tag


@pytest.mark.parametrize("text", ["Elvish tongue", "", "!!"])
def test_unknown_languages_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="We do not know the language"):
        language_names.resolve(text)


def test_language_names_for_tags():
    assert [language_names.name(t) for t in ("en", "yo", "pt-BR", "es")] == [
        "English",
        "Yoruba",
        "Brazilian Portuguese",
        "Spanish",
    ]
    assert language_names.name("qq") == "qq"
    assert language_names.suggest("spa", 5) == [("Spanish", "es")]  # no regional variants
    assert ("Portuguese", "pt") in language_names.suggest("portu", 5)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("New York", "US-NY"),
        ("new york", "US-NY"),
        ("New York (United States)", "US-NY"),
        ("New York, United States", "US-NY"),
        ("New York, US", "US-NY"),
        ("California", "US-CA"),
        ("Germany", "DE"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("United States of America", "US"),
        ("Île-de-France", "FR-IDF"),
        ("ile de france", "FR-IDF"),
        ("Georgia", "GE"),  # the country; the state is "Georgia (United States)"
        ("Georgia (United States)", "US-GA"),
        ("Punjab, Pakistan", "PK-PB"),
        ("us-ny", "US-NY"),
        ("de", "DE"),
    ],
)
def test_places_by_name_or_code(text, code):
    assert region_names.resolve(text) == code


def test_a_name_several_places_share_is_refused_with_the_choices():
    with pytest.raises(ValueError) as error:
        region_names.resolve("Punjab")
    assert "Punjab (India) or Punjab (Pakistan)" in str(error.value)


@pytest.mark.parametrize("text", ["Narnia", "", "New York, Narnia", "XX"])
def test_unknown_places_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="We do not know the place"):
        region_names.resolve(text)


def test_place_names_for_codes_and_suggestions():
    assert [region_names.name(c) for c in ("IN", "GB", "US-NY")] == [
        "India",
        "United Kingdom",
        "New York (United States)",
    ]
    assert region_names.suggest("new york", 1) == [("New York (United States)", "US-NY")]
    assert region_names.suggest("ger", 1) == [("Germany", "DE")]
    # A subdivision's own name ranks before one matching only its country's name.
    found = [code for _label, code in region_names.suggest("ger", 20)]
    assert found.index("FR-32") < found.index("DE-BY")
