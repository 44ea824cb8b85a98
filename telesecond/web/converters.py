"""URL converters shared by every blueprint (registered in ``create_app``)."""

from __future__ import annotations

import builtins

from werkzeug.routing import IntegerConverter, Map

from telesecond.models.base import MAX_ID  # a larger id in a URL is a 404


def digits_at_most(limit: int) -> str:
    """A regex for ASCII decimal numbers from 0 to ``limit`` (leading zeros allowed).

    The bound lives in the pattern rather than in ``to_python`` so a too-large id simply
    matches no route (404 for every method; werkzeug answers 405 when a converter refuses
    a value that another method's rule would have taken).
    """
    text = str(limit)
    choices = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - i - 1
            lower = "0" if digit == "1" else f"[0-{int(digit) - 1}]"
            choices.append(text[:i] + lower + (f"[0-9]{{{rest}}}" if rest else ""))
    choices.append(text)
    return "0*(?:" + "|".join(choices) + ")"


class IdConverter(IntegerConverter):
    """``<int:...>`` for row ids: ASCII digits up to ``MAX_ID``; anything else is a 404.

    Replaces werkzeug's ``int`` converter app-wide, so every ``<int:...>`` route is bounded
    without spelling the limit out. A route's own ``int(max=...)`` may narrow the range,
    never widen it past the column. (werkzeug's ``\\d+`` also took other scripts' digits:
    "٣" was 3.)
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bound = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=False)
        self.regex = digits_at_most(bound)
