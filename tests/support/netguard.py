"""Refuse every network connection that would leave the machine.

Tests talk to real servers, but only on loopback: PostgreSQL and Redis on
127.0.0.1, an aiosmtpd server, a fake Twilio API, a live Flask server.  The
guard patches the few socket entry points that can reach another host, so a
forgotten real endpoint fails the test at once instead of hanging or, worse,
sending a real SMS.

The refusal raises :class:`OutsideNetworkError`, which is deliberately *not* an
``OSError``: libraries that catch socket errors (requests, smtplib, redis) must
not mistake it for a transient outage and retry.  Every refusal is also
recorded, so a test that swallows the exception still fails at teardown.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})

# Bound before any patching so the guard itself can still call the originals.
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_create_connection = socket.create_connection
_real_getaddrinfo = socket.getaddrinfo


class OutsideNetworkError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _host_text(host: Any) -> str | None:
    if host is None:
        return None
    if isinstance(host, bytes | bytearray):
        return bytes(host).decode("ascii", "replace")
    return str(host)


def is_loopback_host(host: Any) -> bool:
    """Return True for loopback IP literals (127.0.0.0/8, ::1, v4-mapped) and localhost."""
    text = _host_text(host)
    if text is None:
        return False
    name = text.strip().lower()
    if name in LOCAL_NAMES:
        return True
    # An IPv6 literal may carry a zone ("::1%lo").
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _describe(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{_host_text(address[0])}:{address[1]}"
    return repr(address)


class NetGuard:
    """Patches socket functions to refuse non-loopback destinations.

    ``violations`` lists a description of every refused attempt, including
    attempts whose exception some library caught and hid.
    """

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._lock = threading.Lock()

    # -- policy ---------------------------------------------------------------

    def _refuse(self, what: str) -> OutsideNetworkError:
        message = (
            f"network access outside loopback refused in tests: {what}. "
            "Point the code at a local test server (smtp_server, fake_twilio, "
            "live server) instead."
        )
        with self._lock:
            self.violations.append(what)
        return OutsideNetworkError(message)

    def check_socket_address(self, sock: socket.socket, address: Any, action: str) -> None:
        """Raise unless ``address`` is local for ``sock``'s family."""
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return  # AF_UNIX (PostgreSQL, asyncio self-pipes), netlink, ...
        if not isinstance(address, tuple) or not address:
            return  # not an address the kernel would accept for INET anyway
        if not is_loopback_host(address[0]):
            raise self._refuse(f"{action} to {_describe(address)}")

    def check_name(self, host: Any, action: str) -> None:
        """Raise if resolving ``host`` would ask DNS about a remote name."""
        text = _host_text(host)
        if text is None or text == "" or is_loopback_host(text) or _is_ip_literal(text):
            # None/"" are passive lookups (binding); a literal needs no DNS and
            # any connect to it is checked separately.
            return
        raise self._refuse(f"{action} of {text!r}")

    # -- installation -----------------------------------------------------------

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Patch the socket module for as long as ``monkeypatch`` is active."""
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            guard.check_socket_address(sock, address, "connect")
            return _real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            guard.check_socket_address(sock, address, "connect_ex")
            return _real_connect_ex(sock, address)

        def sendto(sock: socket.socket, data: Any, *args: Any) -> int:
            if args:
                guard.check_socket_address(sock, args[-1], "sendto")
            return _real_sendto(sock, data, *args)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            if not is_loopback_host(address[0]):
                raise guard._refuse(f"create_connection to {_describe(address)}")
            return _real_create_connection(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            guard.check_name(host, "getaddrinfo")
            return _real_getaddrinfo(host, *args, **kwargs)

        patches: list[tuple[Any, str, Callable[..., Any]]] = [
            (socket.socket, "connect", connect),
            (socket.socket, "connect_ex", connect_ex),
            (socket.socket, "sendto", sendto),
            (socket, "create_connection", create_connection),
            (socket, "getaddrinfo", getaddrinfo),
        ]
        for target, name, replacement in patches:
            monkeypatch.setattr(target, name, replacement)

    def take_violations(self) -> list[str]:
        """Return and forget the recorded violations."""
        with self._lock:
            taken, self.violations = self.violations, []
        return taken
