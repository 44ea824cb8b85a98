"""DNS rebinding: the fetch connects to the address that was checked, not a second answer."""

from __future__ import annotations

import gc
import socket
import warnings

import pytest

from telesecond.adapters.ics_fetch import FetchError, HttpIcsFetcher
from tests.scheduling.busy_calendars.tls import TlsServer, make_ca_and_leaf
from tests.support.netguard import OutsideNetworkError

PUBLIC = "93.184.216.34"


class FlippingDns:
    """A resolver that answers a public address first and loopback afterwards."""

    def __init__(self, real_getaddrinfo, name: str) -> None:
        self.real = real_getaddrinfo
        self.name = name
        self.asked = 0

    def __call__(self, host, port, *args, **kwargs):
        if host != self.name:  # IP literals and loopback names: the system's answer
            return self.real(host, port, *args, **kwargs)
        self.asked += 1
        address = PUBLIC if self.asked == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def trap():
    """A real loopback listener; anyone connecting to it shows in its accept queue."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    yield listener
    listener.close()


def _was_reached(listener: socket.socket) -> bool:
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def test_a_second_dns_answer_cannot_send_the_fetch_to_loopback(trap, network_guard, monkeypatch):
    port = trap.getsockname()[1]
    dns = FlippingDns(socket.getaddrinfo, "calendar.rebind.example")
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    fetcher = HttpIcsFetcher(timeout=0.5)

    with warnings.catch_warnings():
        # The guard refuses the connection after the socket was made; it is left to gc.
        warnings.simplefilter("ignore", ResourceWarning)
        with pytest.raises(OutsideNetworkError):
            fetcher.fetch(f"https://calendar.rebind.example:{port}/secret.ics")
        gc.collect()

    assert not _was_reached(trap)
    assert dns.asked == 1  # resolved once, for the check
    # The one connection attempted went to the address that was checked.
    assert network_guard.take_violations() == [f"connect to {PUBLIC}:{port}"]


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch, trap):
    port = trap.getsockname()[1]
    real = socket.getaddrinfo

    def mixed(host, p, *args, **kwargs):
        if host != "mixed.example":
            return real(host, p, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, p)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::7f00:1", p, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)

    with pytest.raises(FetchError, match="private network"):
        HttpIcsFetcher().fetch(f"https://mixed.example:{port}/a.ics")
    assert not _was_reached(trap)


HOST = "calendar.pinned.example"
BODY = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def to_loopback(monkeypatch):
    """DNS in which ``HOST`` and ``other.example`` name 127.0.0.1."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host in (HOST, "other.example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture
def tls_server(tmp_path):
    ca, cert, key = make_ca_and_leaf(tmp_path, HOST)
    server = TlsServer(cert, key, BODY)
    server.ca = str(ca)
    yield server
    server.close()


def test_the_pinned_connection_still_names_and_verifies_the_host(tls_server, to_loopback):
    fetcher = HttpIcsFetcher(allow_local=True, timeout=2, ca_bundle=tls_server.ca)

    fetched = fetcher.fetch(f"https://{HOST}:{tls_server.port}/secret.ics")

    assert fetched.body == BODY
    assert tls_server.sni == [HOST]
    assert tls_server.hosts == [f"{HOST}:{tls_server.port}"]


def test_a_certificate_for_another_name_is_refused(tls_server, to_loopback):
    fetcher = HttpIcsFetcher(allow_local=True, timeout=2, ca_bundle=tls_server.ca)
    with pytest.raises(FetchError, match="no valid security certificate"):
        fetcher.fetch(f"https://other.example:{tls_server.port}/secret.ics")
    assert tls_server.hosts == []
