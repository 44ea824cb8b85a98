"""Fetching a specialist's secret calendar address: a tiny interface and the HTTP one.

The HTTP fetcher is careful because the address comes from a user and points anywhere:

* connect and read time-outs, and a deadline for the whole download;
* a size limit enforced while streaming (on the decoded bytes, so a small compressed
  answer cannot unpack into a huge one), and at once from ``Content-Length``;
* conditional requests (If-None-Match / If-Modified-Since), so an unchanged calendar
  costs a 304 and no parsing;
* https only, and no private, loopback or link-local destinations, nor NAT64, 6to4,
  Teredo or IPv4-mapped spellings of them (checked on every redirect hop) unless
  ``allow_local`` is set for tests and local development;
* the name is resolved once per hop and the connection goes to the address that was
  checked (pinned), with TLS still verified for, and SNI and Host naming, the host name:
  a DNS answer that changes between check and connect (rebinding) cannot move the fetch.

Errors are :class:`FetchError` with a message in plain words for the specialist. The
address is a secret: it never appears in a message or a log line.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from telesecond.domain.addresses import is_public, parse_ip

USER_AGENT = "telesecond-busy-calendar/1.0"
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}


class _QuietWhileFetching(logging.Filter):
    """Drop urllib3's debug lines, which quote the request path (the secret), during a fetch.

    Filters run in the thread that logs, so a thread-local flag scopes this to our fetches.
    """

    def __init__(self) -> None:
        super().__init__()
        self.active = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.active, "on", False)


_QUIET = _QuietWhileFetching()
logging.getLogger("urllib3.connectionpool").addFilter(_QUIET)


class FetchError(Exception):
    """The calendar could not be fetched; ``str()`` explains why in plain words."""


@dataclass(frozen=True)
class Fetched:
    """A fetch's outcome: the body, or ``None`` when the server said it is unchanged."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


class IcsFetcher(Protocol):
    """Fetches a calendar address, conditionally when validators are given."""

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """The calendar's bytes, or a not-modified answer; FetchError otherwise."""
        ...


def describe_size(limit: int) -> str:
    """``5 MB`` or ``200 KB``: a size limit as a person reads it."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{max(limit // 1024, 1)} KB"


class HttpIcsFetcher:
    """The real fetcher, over ``requests``."""

    def __init__(
        self,
        *,
        timeout: float = 10,
        max_bytes: int = 5 * 1024 * 1024,
        allow_local: bool = False,
        max_redirects: int = MAX_REDIRECTS,
        ca_bundle: str | None = None,
    ) -> None:
        self.timeout = max(float(timeout), 0.1)
        # Certificate authorities to trust instead of the system's (tests, private CAs).
        self.ca_bundle = ca_bundle
        self.max_bytes = max_bytes
        self.allow_local = allow_local
        self.max_redirects = max_redirects

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + 3 * self.timeout
        _QUIET.active.on = True
        try:
            return self._fetch(url, headers, deadline)
        finally:
            _QUIET.active.on = False

    def _fetch(self, url: str, headers: dict[str, str], deadline: float) -> Fetched:
        for _ in range(self.max_redirects + 1):
            address = self.destination(url)
            # A session per hop: each hop connects only to the address checked for it.
            with requests.Session() as session:
                # No proxies or .netrc credentials from the environment for user addresses.
                session.trust_env = False
                session.verify = self.ca_bundle or True
                pinned = _PinnedAdapter(address)
                session.mount("https://", pinned)
                session.mount("http://", pinned)
                response = _get(session, url, headers, self.timeout)
                with response:
                    location = response.headers.get("Location")
                    if response.status_code in _REDIRECTS and location:
                        url = urljoin(url, location)
                        continue
                    return self._read(response, deadline)
        raise FetchError("The address redirects too many times.")

    def check_destination(self, url: str) -> None:
        """Refuse schemes and hosts the fetcher must not reach (FetchError)."""
        self.destination(url)

    def destination(self, url: str) -> str:
        """The checked IP address to connect to for ``url``; FetchError if it is refused."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError:
            raise FetchError("The address is not valid.") from None
        if not host:
            raise FetchError("The address has no host name.")
        if parts.scheme != "https" and not (self.allow_local and parts.scheme == "http"):
            raise FetchError("Only https:// addresses can be fetched.")
        default_port = 443 if parts.scheme == "https" else 80
        try:
            infos = socket.getaddrinfo(host, port or default_port, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, OSError):
            raise FetchError("The calendar's server name could not be found.") from None
        addresses = [parse_ip(str(info[4][0])) for info in infos]
        if not addresses or any(a is None for a in addresses):
            raise FetchError("The calendar's server name could not be found.")
        if not self.allow_local and not all(is_public(a) for a in addresses):
            raise FetchError("The address points into a private network, which we refuse.")
        return str(addresses[0])

    def _read(self, response: requests.Response, deadline: float) -> Fetched:
        status = response.status_code
        if status == 304:
            return Fetched(None, *_validators(response.headers))
        if status >= 400 or status < 200:
            raise FetchError(_http_problem(status))
        too_big = FetchError(
            f"The calendar is larger than {describe_size(self.max_bytes)}, so it was not read."
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                body += chunk
                if len(body) > self.max_bytes:
                    raise too_big
                if time.monotonic() > deadline:
                    raise FetchError("The calendar's server took too long to send the calendar.")
        except requests.RequestException as error:
            raise FetchError(_network_problem(error)) from None
        return Fetched(bytes(body), *_validators(response.headers))


# --- internals -------------------------------------------------------------------


class _PinnedConnectionMixin:
    """Connects to ``pinned_address`` while ``host`` stays the name (for SNI, Host, TLS)."""

    pinned_address: str

    def _new_conn(self):  # type: ignore[no-untyped-def]
        try:
            return urllib3_connection.create_connection(
                (self.pinned_address, self.port),  # type: ignore[attr-defined]
                self.timeout,  # type: ignore[attr-defined]
                source_address=self.source_address,  # type: ignore[attr-defined]
                socket_options=self.socket_options,  # type: ignore[attr-defined]
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(self, "connect timed out") from error
        except OSError as error:
            raise NewConnectionError(self, "connection failed") from error


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    def __init__(self, *args, pinned_address: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    def __init__(self, *args, pinned_address: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection

    def __init__(self, *args, pinned_address: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.conn_kw["pinned_address"] = pinned_address


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection

    def __init__(self, *args, pinned_address: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.conn_kw["pinned_address"] = pinned_address


class _PinnedAdapter(HTTPAdapter):
    """A transport whose every connection goes to one checked address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": partial(_PinnedHTTPPool, pinned_address=self.address),
            "https": partial(_PinnedHTTPSPool, pinned_address=self.address),
        }


def _get(session: requests.Session, url: str, headers: dict, timeout: float) -> requests.Response:
    try:
        return session.get(
            url, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=False
        )
    except requests.RequestException as error:
        raise FetchError(_network_problem(error)) from None


def _validators(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    etag = headers.get("ETag") or None
    modified = headers.get("Last-Modified") or None
    return (etag[:512] if etag else None), (modified[:64] if modified else None)


def _network_problem(error: requests.RequestException) -> str:
    # Never str(error): requests puts the address, the secret, in its messages.
    if isinstance(error, requests.exceptions.SSLError):
        return "The calendar's server has no valid security certificate."
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return "The calendar's server did not answer in time."
    if isinstance(error, requests.exceptions.Timeout):
        return "The calendar's server took too long to send the calendar."
    if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "The address is not valid."
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return "The calendar's server sent a damaged answer."
    return "The calendar's server could not be reached."


def _http_problem(status: int) -> str:
    if status in (401, 403):
        return (
            f"The calendar's server refused access (HTTP {status}). If you reset the secret "
            "address in your calendar, remove this one and add the new address."
        )
    if status in (404, 410):
        return (
            f"The calendar's server does not know this address (HTTP {status}). "
            "Check the address, or add the new one if it changed."
        )
    if status >= 500:
        return f"The calendar's server had a problem (HTTP {status}). We will try again."
    return f"The calendar's server refused the request (HTTP {status})."
