"""Whether a new password is strong enough, judged by zxcvbn.

Pure: the password, the account's role and the words the person's own details give
(email, name) are arguments. Clinicians and admins guard other people's records, so
their passwords are longer.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = {"patient": 10, "specialist": 12, "admin": 12}
MAX_LENGTH = 1024
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for online attacks
# zxcvbn's cost grows with the length; what lies beyond this adds no guessing weakness.
_JUDGED_LENGTH = 100


def password_problem(password: str, *, role: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why the password is refused, or None when it is acceptable."""
    shortest = MIN_LENGTH.get(role, max(MIN_LENGTH.values()))
    if len(password) < shortest:
        return f"Use at least {shortest} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    inputs = [word for value in user_inputs if value for word in _words(value)]
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    parts = [feedback.get("warning") or "This password is too easy to guess."]
    parts += feedback.get("suggestions") or []
    return " ".join(part.rstrip(".") + "." for part in parts if part)


def _words(value: str) -> list[str]:
    """A detail and its parts (``ana.lopez@example.org`` → ``ana``, ``lopez`` …)."""
    text = value.strip().lower()
    pieces = [p for p in text.replace("@", " ").replace(".", " ").replace("-", " ").split() if p]
    return [text, *pieces]
