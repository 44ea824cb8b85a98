"""SMS sizes: GSM-7 septets (extension characters count two) or UCS-2 units, and segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.sms_segments import GSM7_BASIC, GSM7_EXTENSION, gsm7_safe, sms_size


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("Reply STOP", "GSM-7", 10, 1),
        ("€[]", "GSM-7", 6, 1),  # the extension table: an escape and the character
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),  # split: 153 septets a part
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("a" * 159 + "€", "GSM-7", 161, 2),  # one extension character tips it over
        ("¿Mañana? Él irá", "UCS-2", 15, 1),  # á is not in GSM-7: the whole text is UCS-2
        ("¿Mañana? Él ira", "GSM-7", 15, 1),  # ¿ ñ É are
        ("वीडियो कॉल", "UCS-2", 10, 1),
        ("क" * 70, "UCS-2", 70, 1),
        ("क" * 71, "UCS-2", 71, 2),  # split: 67 units a part
        ("क" * 134, "UCS-2", 134, 2),
        ("क" * 135, "UCS-2", 135, 3),
        ("🙂", "UCS-2", 2, 1),  # beyond the BMP: a surrogate pair
        ("Zoë", "UCS-2", 3, 1),  # ë is not in the default alphabet
    ],
)
def test_sizes(text, encoding, units, segments) -> None:
    size = sms_size(text)
    assert (size.encoding, size.units, size.segments) == (encoding, units, segments)


def test_a_hindi_sms_is_ucs2_with_70_units_a_segment() -> None:
    text = "telesecond: आपकी वीडियो कॉल शनि 7 मार्च 15:00 IST को है। बंद करने के लिए STOP भेजें"
    size = sms_size(text)
    assert size.encoding == "UCS-2"
    assert size.units == len(text)
    assert size.segments == 2  # 81 units: more than one 70-unit segment


@given(st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=400))
def test_gsm7_texts_count_extension_characters_twice(text) -> None:
    size = sms_size(text)
    assert size.encoding == "GSM-7"
    assert size.units == len(text) + sum(c in GSM7_EXTENSION for c in text)
    assert size.segments == (1 if size.units <= 160 else -(-size.units // 153))


@given(st.text(max_size=200))
def test_gsm7_safe_text_never_needs_ucs2(text) -> None:
    assert sms_size(gsm7_safe(text)).encoding == "GSM-7"
