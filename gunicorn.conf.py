"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The worker model follows the database:

- PostgreSQL: gevent workers. A request spends much of its time waiting for the database;
  a greenlet switch is far cheaper than handing the GIL between threads, so the same two
  cores serve more bookings (``bench/booking.py``). psycopg waits cooperatively once gevent
  has patched the standard library, which the gevent worker does before the app loads;
  each worker then has psycopg wait on gevent's hub directly (``post_worker_init``).
- SQLite: threads (gthread). SQLite's busy wait sleeps inside C; under gevent it would
  stall every request of the worker, including the one holding the write lock.

Command-line options override these (``--workers 4``). ``WEB_CONCURRENCY`` sets the
number of workers, ``WEB_THREADS`` the threads of a gthread worker and
``WEB_CONNECTIONS`` the connections one gevent worker serves at once.
"""

from __future__ import annotations

import os

# The app's own reading of DATABASE_URL (postgres:// is PostgreSQL too); gunicorn puts
# its working directory on sys.path before it loads this file, as it does for wsgi:app.
from config import database_backend

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

if database_backend(os.environ.get("DATABASE_URL")) == "postgresql":
    worker_class = "gevent"
    worker_connections = int(os.environ.get("WEB_CONNECTIONS", "200"))
else:
    worker_class = "gthread"
    threads = int(os.environ.get("WEB_THREADS", "8"))


def on_starting(server) -> None:
    """Before any worker starts: refuse production rate limits the workers cannot share.

    ``memory://`` keeps one count per worker; with several, every limit (sign-in guesses
    included) would be as many times looser. ``server.cfg.workers`` is the real count,
    ``--workers`` included. gunicorn prints a RuntimeError as a one-line error and exits.
    """
    from config import ConfigError, from_env, refuse_unshared_limits

    try:
        refuse_unshared_limits(from_env(), server.cfg.workers)
    except ConfigError as error:
        raise RuntimeError(str(error)) from None


def post_worker_init(worker) -> None:
    """Once the worker has loaded the app.

    - The objects made so far (modules, the app, mappers, compiled queries …) live as long
      as the worker: ``gc.freeze`` takes them out of the cyclic collector's reach, so its
      full collections no longer walk them (about 0.1 s each on a 2-core machine, a pause
      for every request of the worker).
    - A gevent worker: psycopg waits on the hub directly (``telesecond/gevent_psycopg``).
    """
    import gc

    gc.freeze()
    worker.log.info("%d startup objects left out of garbage collection", gc.get_freeze_count())
    if worker_class == "gevent":
        from telesecond.server.gevent_psycopg import install

        if install():
            worker.log.info("psycopg waits through the gevent hub")
