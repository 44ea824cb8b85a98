"""Run the real app under gunicorn (separate worker processes) for concurrency tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn process serving wsgi:app on loopback, with the shipped settings
    (``gunicorn.conf.py``: gevent workers on PostgreSQL, threads on SQLite)."""

    def __init__(self, env: dict[str, str], *, workers: int = 4, threads: int = 16) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / "instance" / f"gunicorn-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait()
        except Exception:
            self.stop()
            raise

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                with requests.get(f"{self.url}/healthz", timeout=5) as response:
                    if response.status_code == 200:
                        return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 30 s")

    @property
    def worker_class(self) -> str:
        """The worker class gunicorn reports it uses (from its log)."""
        for line in self.log.read_text(errors="replace").splitlines():
            if "Using worker: " in line:
                return line.rsplit("Using worker: ", 1)[1].strip()
        return "unknown"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        self.log.unlink(missing_ok=True)


def app_env(database_url: str, tmp: Path) -> dict[str, str]:
    """Environment for a server process sharing the test database."""
    return {
        "TELESECOND_ENV": "testing",
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAIL_BACKEND": "console",
        "SMS_BACKEND": "console",
    }
