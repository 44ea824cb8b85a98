"""How long an SMS is on the wire: GSM-7 or UCS-2, and how many segments it takes.

The rules (3GPP TS 23.038 and 23.040):

- A text whose every character is in the GSM 03.38 default alphabet goes as GSM-7. A
  character of the basic table takes one septet; one of the extension table
  (``^ { } \\ [ ~ ] | €`` and form feed) takes two (an escape, then the character).
- Any other character (``á``, ``ł``, Devanagari, an emoji …) sends the whole text as
  UCS-2, counted in UTF-16 code units (a character beyond the BMP takes two).
- One segment holds 160 septets or 70 UCS-2 units. A longer text is split, and each part
  loses room to its header: 153 septets or 67 units a part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GSM7_SEGMENT = 160
GSM7_PART = 153
UCS2_SEGMENT = 70
UCS2_PART = 67

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7 = GSM7_BASIC | GSM7_EXTENSION

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SmsSize:
    """A text's encoding, its length in that encoding's units, and its segments."""

    encoding: Encoding
    units: int
    segments: int


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or None if it needs UCS-2."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENSION:
            length += 2
        else:
            return None
    return length


def _parts(units: int, single: int, part: int) -> int:
    if units <= single:
        return 1
    return -(-units // part)


def sms_size(text: str) -> SmsSize:
    """The encoding ``text`` goes out in, its units and the segments it takes."""
    septets = gsm7_length(text)
    if septets is not None:
        return SmsSize("GSM-7", septets, _parts(septets, GSM7_SEGMENT, GSM7_PART))
    units = len(text.encode("utf-16-le")) // 2
    return SmsSize("UCS-2", units, _parts(units, UCS2_SEGMENT, UCS2_PART))


def gsm7_safe(text: str) -> str:
    """``text`` with every character outside GSM-7 replaced by ``?``."""
    if GSM7.issuperset(text):
        return text
    return "".join(c if c in GSM7 else "?" for c in text)
