"""Which IP addresses a user-given URL may reach: public unicast ones only.

``ipaddress``'s ``is_global`` follows the IANA registry, which calls some translation
and tunnel prefixes global although they lead back into IPv4 space we refuse: NAT64
(``64:ff9b::7f00:1`` is 127.0.0.1 through a NAT64 gateway), 6to4 and Teredo. These
prefixes are refused outright, and the IPv4 address an IPv6 one embeds is checked as
well, so no spelling of a private address passes.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

REFUSED_V6 = tuple(
    IPv6Network(net)
    for net in (
        "64:ff9b::/96",  # NAT64, well-known prefix (RFC 6052)
        "64:ff9b:1::/48",  # NAT64, local-use prefix (RFC 8215)
        "2002::/16",  # 6to4 (RFC 3056)
        "2001::/32",  # Teredo (RFC 4380)
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "::/96",  # IPv4-compatible (deprecated)
    )
)


def parse_ip(text: str) -> IPv4Address | IPv6Address | None:
    """``text`` as an IP address (a zone suffix like ``%eth0`` dropped), or None."""
    try:
        return ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compat)."""
    found: list[IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in net for net in REFUSED_V6):
        found.append(IPv4Address(int(address) & 0xFFFFFFFF))  # the low 32 bits
    return found


def is_public(address: IPv4Address | IPv6Address) -> bool:
    """Whether a fetch may connect to ``address``: global unicast, no tunnel into IPv4."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, IPv6Address):
        if any(address in net for net in REFUSED_V6):
            return False
        return all(is_public(inner) for inner in embedded_ipv4(address))
    return True
