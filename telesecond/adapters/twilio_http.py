"""Send the twilio library's HTTP calls to another base URL.

The twilio client builds absolute URLs from hard-coded domains
(``https://api.twilio.com``, ``https://video.twilio.com``, ...) and hands them
to its HTTP client.  Rewriting in :meth:`BaseUrlTwilioHttpClient.request` is the
one place that sees every call, so a regional proxy or a local test double can
stand in for all Twilio products at once (setting ``TWILIO_API_BASE_URL``).
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import Session
from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

ORIGINAL_HOST_HEADER = "X-Forwarded-Host"
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def settle_environment(session: Session) -> None:
    """Read requests' environment settings once instead of on every call.

    A trusting session looks up proxies and the CA bundle for each request, about a
    tenth of a dispatcher's CPU per SMS. Without proxy variables the CA bundle
    (``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE``) is all the environment can say, so it
    is fixed on the session and the per-call lookup is turned off. With a proxy set the
    session keeps asking (``no_proxy`` depends on each URL).
    """
    if any(name.lower() in _PROXY_VARIABLES for name in os.environ):
        return
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle and session.verify is True:
        session.verify = bundle
    session.trust_env = False


def _is_twilio_host(host: str | None) -> bool:
    return host is not None and (host == "twilio.com" or host.endswith(".twilio.com"))


def _parse_base_url(base_url: str) -> tuple[str, str, str]:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("TWILIO_API_BASE_URL must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError("TWILIO_API_BASE_URL must not carry a query or fragment")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class BaseUrlTwilioHttpClient(TwilioHttpClient):
    """A ``TwilioHttpClient`` that sends ``*.twilio.com`` requests to ``base_url``.

    The path and query are kept (``/2010-04-01/Accounts/AC…/Messages.json``), a
    path prefix of ``base_url`` is prepended, and the original host is passed
    in ``X-Forwarded-Host`` so a proxy can tell the products apart.  Without a
    ``base_url`` it behaves exactly like ``TwilioHttpClient``.

    Pooled connections are closed by :meth:`close`, or at the latest when the
    client is garbage collected.
    """

    def __init__(
        self, base_url: str | None = None, *, timeout: float | None = None, **kwargs: Any
    ) -> None:
        self._target = _parse_base_url(base_url) if base_url else None  # validate first
        self.base_url = base_url.rstrip("/") if base_url else None
        self._answers = threading.local()  # the last response's headers, per thread
        super().__init__(timeout=timeout, **kwargs)
        if self.session is not None:
            # Plain-http test doubles and proxies get a pool too; no automatic
            # retries, as a blind resend of a POST could send an SMS twice.
            self.session.mount("http://", HTTPAdapter(max_retries=0))
            settle_environment(self.session)
            self._finalizer = weakref.finalize(self, self.session.close)
        else:
            self._finalizer = weakref.finalize(self, lambda: None)

    def rewrite_url(self, url: str) -> str:
        """Return ``url`` moved onto the base URL when it points at Twilio."""
        if self._target is None:
            return url
        parts = urlsplit(url)
        if not _is_twilio_host(parts.hostname):
            return url
        scheme, netloc, prefix = self._target
        return urlunsplit((scheme, netloc, prefix + parts.path, parts.query, ""))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Make the request, against the base URL when one is configured."""
        target = self.rewrite_url(url)
        if target != url:
            headers = dict(headers or {})
            headers[ORIGINAL_HOST_HEADER] = urlsplit(url).netloc
        self._answers.headers = None
        response = super().request(
            method,
            target,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        self._answers.headers = response.headers
        return response

    def last_header(self, name: str) -> str | None:
        """A header of the last answer this thread received (``Retry-After`` of a 429).

        The twilio client raises on an error status without the response's headers.
        """
        headers = getattr(self._answers, "headers", None)
        return None if headers is None else headers.get(name)

    def close(self) -> None:
        """Close pooled connections."""
        self._finalizer()


def build_twilio_client(
    account_sid: str,
    auth_token: str,
    *,
    api_base_url: str | None = None,
    timeout: float = 10.0,
) -> Client:
    """Return a twilio ``Client`` whose HTTP goes through :class:`BaseUrlTwilioHttpClient`.

    Close it with ``client.http_client.close()``.
    """
    http_client = BaseUrlTwilioHttpClient(api_base_url, timeout=timeout)
    return Client(account_sid, auth_token, http_client=http_client)
