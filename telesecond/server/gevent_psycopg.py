"""psycopg's socket waits as plain gevent io waits, in a gevent worker.

psycopg runs each exchange with the server as a generator that says what it waits for
(read, write or both) and a wait function that sleeps until the socket is ready. Once
gevent has patched ``select``, psycopg picks ``wait_poll``, which goes through gevent's
emulation of ``select.poll``: a poll object, a timeout and a result object on every
wait, several waits a query. ``install`` swaps in one io watcher per wait and a switch
back from the hub: the same cooperative wait with less work on the worker's one core
(``bench/booking.py``). Waits with a deadline keep psycopg's own loop.
"""

from __future__ import annotations

from telesecond.server.offload import under_gevent

_READY = 3  # psycopg's Ready.R | Ready.W; its Wait.R/W/RW are libev's READ/WRITE bits


def install() -> bool:
    """Make psycopg wait through gevent's hub in this process; False outside gevent."""
    if not under_gevent():
        return False
    from gevent import get_hub
    from gevent.hub import Waiter
    from psycopg import waiting

    if getattr(waiting.wait, "gevent_io", False):
        return True
    with_deadline = waiting.wait

    def wait(gen, fileno, interval=0.0, timeout=None):
        if timeout is not None:
            return with_deadline(gen, fileno, interval, timeout)
        hub = get_hub()
        try:
            state = next(gen)
            while True:
                watcher = hub.loop.io(fileno, state)
                waiter = Waiter(hub)
                watcher.start(waiter.switch, pass_events=True)
                try:
                    events = waiter.get()
                finally:
                    watcher.stop()
                state = gen.send(events & _READY)
        except StopIteration as done:
            return done.value

    wait.gevent_io = True  # type: ignore[attr-defined]
    waiting.wait = wait
    return True
