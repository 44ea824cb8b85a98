"""How long to wait before trying a failed send again.

Pure. The rule: after the ``attempts``-th failed try wait ``first``, then twice as long
after each further failure (``first``, 2x, 4x ...), never longer than ``cap``. Counts
below 1 wait ``first``: the first failure is attempt 1.
"""

from __future__ import annotations

from datetime import timedelta


def backoff(attempts: int, *, first: timedelta, cap: timedelta | None = None) -> timedelta:
    """The wait after the ``attempts``-th failure: ``first``, doubled per failure, capped."""
    wait = first
    for _ in range(max(0, attempts - 1)):
        if cap is not None and wait >= cap:
            break  # doubling further cannot matter, and could overflow a timedelta
        wait *= 2
    return wait if cap is None else min(wait, cap)
