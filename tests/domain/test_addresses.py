"""Which addresses a user-given calendar URL may reach."""

from __future__ import annotations

import pytest

from telesecond.domain.addresses import embedded_ipv4, is_public, parse_ip


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::808:808",  # NAT64 of a public address: the prefix itself is refused
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:808:808::1",  # 6to4 around a public address
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
        "::ffff:127.0.0.1",  # mapped
        "::ffff:8.8.8.8",  # mapped, even of a public address
        "::127.0.0.1",  # compatible
        "::ffff:0:7f00:1",  # translated
        "224.0.0.1",
        "0.0.0.0",
    ],
)
def test_private_and_tunnelled_addresses_are_refused(text):
    assert not is_public(parse_ip(text))


@pytest.mark.parametrize("text", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(text):
    assert is_public(parse_ip(text))


def test_the_embedded_ipv4_is_read_from_each_spelling():
    assert [str(a) for a in embedded_ipv4(parse_ip("64:ff9b::7f00:1"))] == ["127.0.0.1"]
    assert "127.0.0.1" in [str(a) for a in embedded_ipv4(parse_ip("2002:7f00:1::"))]


def test_a_name_is_not_an_address():
    assert parse_ip("calendar.example.org") is None
