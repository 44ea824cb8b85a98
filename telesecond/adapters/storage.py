"""Encrypted document storage: a tiny interface, an AES-256-GCM file store, a memory fake.

Each stored file is ``MAGIC | nonce (96 bits) | ciphertext + tag``, sealed with
AES-256-GCM under the app's document key. The storage key is bound in as associated
data, so a file copied over another key's file fails to open instead of showing the
wrong patient's record. Storage keys are random hex and are checked against a strict
pattern before any path is built from them.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from config import ConfigError
from telesecond.server.offload import off_loop

KEY_FILE = "document.key"
MAGIC = b"TSD1"
NONCE_BYTES = 12
TAG_BYTES = 16
_STORAGE_KEY = re.compile(r"[0-9a-f]{32}")
_ENCODED_KEY = re.compile(r"[A-Za-z0-9_-]{43}=?")
KEY_HELP = (
    "It must be URL-safe base64 of 32 random bytes (44 characters). Generate one with: "
    'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
)


class DocumentUnreadable(Exception):
    """The stored bytes are missing, damaged, or were sealed with another key."""


class DocumentKeyError(ConfigError):
    """The document encryption key is missing or malformed (a ValueError)."""


class DocumentStore(Protocol):
    """Where document bytes live; keys come from :func:`new_storage_key`."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (replacing what was there)."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; DocumentUnreadable if they cannot be had."""
        ...

    def delete(self, key: str) -> None:
        """Remove what is stored under ``key``; no error if nothing is."""
        ...


def new_storage_key() -> str:
    """A fresh random storage key (128 bits, lowercase hex)."""
    return secrets.token_hex(16)


def check_storage_key(key: object) -> str:
    """``key`` if it has the shape :func:`new_storage_key` makes; ValueError otherwise."""
    if not isinstance(key, str) or not _STORAGE_KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


class EncryptedFileStore:
    """Files under ``directory`` (mode 0700), each 0600 and sealed with AES-256-GCM."""

    def __init__(self, directory: str | os.PathLike[str], key: bytes) -> None:
        if len(key) != 32:
            raise DocumentKeyError("The document key must be 32 bytes (AES-256).")
        self.directory = Path(directory)
        self._aead = AESGCM(key)

    def _path(self, key: str) -> Path:
        key = check_storage_key(key)
        return self.directory / key[:2] / key

    @staticmethod
    def _associated_data(key: str) -> bytes:
        return MAGIC + key.encode("ascii")

    def _ensure_directory(self, path: Path) -> None:
        for directory in (self.directory, path):
            try:
                directory.mkdir(mode=0o700, parents=True)
            except FileExistsError:
                continue
            os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask

    def put(self, key: str, data: bytes) -> None:
        """Encrypt ``data`` and write it atomically (temporary file, fsync, rename)."""
        off_loop(self._put, key, data)

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        self._ensure_directory(path.parent)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data, self._associated_data(key))
        temporary = path.with_name(f".{key}.{secrets.token_hex(4)}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(MAGIC + nonce + sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Decrypt and return the bytes; DocumentUnreadable if missing or not authentic."""
        return off_loop(self._get, key)

    def _get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise DocumentUnreadable(f"no stored file for key {key}") from None
        header = len(MAGIC) + NONCE_BYTES
        if len(blob) < header + TAG_BYTES or not blob.startswith(MAGIC):
            raise DocumentUnreadable(f"stored file {key} is not a sealed document")
        nonce = blob[len(MAGIC) : header]
        try:
            return self._aead.decrypt(nonce, blob[header:], self._associated_data(key))
        except InvalidTag:
            raise DocumentUnreadable(f"stored file {key} failed authentication") from None

    def delete(self, key: str) -> None:
        """Remove the file if it exists."""
        self._path(key).unlink(missing_ok=True)


class MemoryDocumentStore:
    """A fake for tests: keeps bytes in a dict, unencrypted. Never use it for real records."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key``."""
        self.blobs[check_storage_key(key)] = bytes(data)

    def get(self, key: str) -> bytes:
        """The bytes under ``key``; DocumentUnreadable if there are none."""
        try:
            return self.blobs[check_storage_key(key)]
        except KeyError:
            raise DocumentUnreadable(f"no stored file for key {key}") from None

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        self.blobs.pop(check_storage_key(key), None)


def decode_key(text: str, *, source: str) -> bytes:
    """The 32 key bytes from their URL-safe base64 form; DocumentKeyError naming ``source``."""
    text = text.strip()
    if not _ENCODED_KEY.fullmatch(text):
        raise DocumentKeyError(f"{source} is not a valid document key. {KEY_HELP}")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _create_key_file(path: Path) -> None:
    """Write a new random key to ``path`` (0600) unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.urlsafe_b64encode(os.urandom(32)).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() never replaces: when two processes race, the first key wins for both.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def load_or_create_key(config: Mapping[str, Any], instance_path: str | os.PathLike[str]) -> bytes:
    """The document key from DOCUMENT_ENCRYPTION_KEY, or in development and testing from
    ``instance/document.key`` (generated once, then reused).

    :raise DocumentKeyError: the key is malformed, or missing outside development.
    """
    configured = str(config.get("DOCUMENT_ENCRYPTION_KEY") or "").strip()
    if configured:
        return decode_key(configured, source="DOCUMENT_ENCRYPTION_KEY")
    env = config.get("TELESECOND_ENV", "development")
    if env not in ("development", "testing"):
        raise DocumentKeyError(f"Set DOCUMENT_ENCRYPTION_KEY in {env}. {KEY_HELP}")
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return decode_key(path.read_text(encoding="ascii", errors="replace"), source=str(path))
