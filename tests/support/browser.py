"""Playwright driving Debian's Chromium; never downloads a browser."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "TELESECOND_CHROMIUM"

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
)


class ChromiumMissing(RuntimeError):
    """The system Chromium the browser tests need is not installed."""


def chromium_path() -> Path:
    """Return the Chromium executable (``$TELESECOND_CHROMIUM`` or /usr/bin/chromium).

    :raise ChromiumMissing: if it does not exist or is not executable.
    """
    path = Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ChromiumMissing(
            f"Chromium not found at {path}. Browser tests use the system browser: "
            f"install it with `apt-get install chromium` or set {CHROMIUM_ENV}. "
            "Playwright's own browser downloads are not used."
        )
    return path


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch headless system Chromium with the flags the suite relies on."""
    return playwright.chromium.launch(
        executable_path=str(chromium_path()),
        headless=True,
        args=list(CHROMIUM_ARGS),
    )


class BrowserSession:
    """One Playwright driver and one Chromium, shared by a test session."""

    def __init__(self) -> None:
        chromium_path()  # fail before starting the driver
        self._playwright = sync_playwright().start()
        try:
            self.browser = launch_chromium(self._playwright)
        except BaseException:
            self._playwright.stop()
            raise

    def close(self) -> None:
        """Close the browser and stop the Playwright driver."""
        try:
            self.browser.close()
        finally:
            self._playwright.stop()
