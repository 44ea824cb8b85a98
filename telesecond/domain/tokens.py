"""Secret tokens (links, API tokens, feeds): only their digest is ever stored."""

from __future__ import annotations

import hashlib


def digest(raw: str) -> str:
    """The stored form of a secret token: SHA-256, hex."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
