"""Keep a gevent worker's event loop free during long blocking calls.

Under gevent (``gunicorn.conf.py`` on PostgreSQL) every request of a worker shares one
thread: a password hash (argon2, about 150 ms) or the encryption and fsync of a 20 MB
document would hold up every other request of that worker meanwhile. ``off_loop`` runs
such a call in gevent's pool of native threads and waits for it cooperatively; outside
gevent (threads, the CLI, the tests) it just calls the function.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_loop(function: Callable[..., T], *args, **kwargs) -> T:
    """``function(*args, **kwargs)``, off the event loop when gevent runs this process."""
    if not under_gevent():
        return function(*args, **kwargs)
    from gevent import get_hub

    return get_hub().threadpool.apply(function, args, kwargs)


def under_gevent() -> bool:
    """Whether gevent has patched this process (gunicorn's gevent worker does so first)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")
