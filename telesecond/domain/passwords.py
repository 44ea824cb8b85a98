"""Which passwords are accepted: long enough for the role, and not guessable.

Rules, in order (the first that fails is the answer):

* at most ``MAX_LENGTH`` characters (hashing a megabyte is a denial of service);
* at least ``MIN_LENGTH[role]`` characters: 10 for patients, 12 for the clinicians and
  admins whose accounts open other people's cases;
* a ``zxcvbn`` score of at least ``MIN_SCORE`` (3: "safely unguessable"), with the
  person's own email address and name counted as guessable words.

Pure: no clock, no settings; the refusal names the reason in words a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = {"patient": 10, "specialist": 12, "admin": 12}
MAX_LENGTH = 1024
MIN_SCORE = 3
# zxcvbn refuses longer input (its cost grows with the length): it judges this prefix.
_JUDGED_LENGTH = 72


def min_length(role: str) -> int:
    """The shortest password ``role`` may choose (unknown roles: the strictest)."""
    return MIN_LENGTH.get(role, max(MIN_LENGTH.values()))


def _inputs(user_inputs: Iterable[str | None]) -> list[str]:
    """The person's own words: the address, its local part and its pieces, the name's words."""
    words: list[str] = []
    for value in user_inputs:
        text = (value or "").strip().lower()
        if not text:
            continue
        words.append(text)
        local = text.partition("@")[0]
        words.append(local)
        for piece in local.replace("-", ".").replace("_", ".").replace("+", ".").split("."):
            words.append(piece)
        words.extend(text.split())
    return [w for w in dict.fromkeys(words) if len(w) >= 3]


def password_problem(
    password: str, *, role: str, user_inputs: Iterable[str | None] = ()
) -> str | None:
    """Why ``password`` is refused for an account of ``role``, or None when it is accepted.

    :param user_inputs: the account's email address, name and such: a password built
        from them is refused.
    """
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    shortest = min_length(role)
    if len(password) < shortest:
        return f"Use at least {shortest} characters."
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=_inputs(user_inputs))
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    warning = (feedback.get("warning") or "").strip()
    suggestions = [s.strip() for s in feedback.get("suggestions") or [] if s.strip()]
    reason = warning or "This password is too easy to guess."
    if not reason.endswith("."):
        reason += "."
    advice = suggestions[0] if suggestions else "Add another word or two."
    return f"{reason} {advice}"
