"""Server plumbing for gunicorn workers: gevent integration and off-loop work."""
