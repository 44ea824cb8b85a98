"""Encrypted document storage and the document key."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from telesecond.adapters.registry import build_document_store, current
from telesecond.adapters.storage import (
    KEY_FILE,
    MAGIC,
    DocumentKeyError,
    DocumentUnreadable,
    EncryptedFileStore,
    MemoryDocumentStore,
    load_or_create_key,
    new_storage_key,
)

PLAINTEXT = b"Histology: invasive ductal carcinoma, grade 2. Patient: Jane Example."
KEY = os.urandom(32)
ENCODED_KEY = base64.urlsafe_b64encode(KEY).decode()


@pytest.fixture
def directory(tmp_path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def store(directory) -> EncryptedFileStore:
    return EncryptedFileStore(directory, KEY)


def stored_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


@pytest.fixture(params=["encrypted", "memory"])
def any_store(request, directory):
    """Every DocumentStore implementation, for the contract they share."""
    if request.param == "encrypted":
        return EncryptedFileStore(directory, KEY)
    return MemoryDocumentStore()


def test_contract_round_trip_replace_and_delete(any_store):
    key = new_storage_key()
    any_store.put(key, PLAINTEXT)
    assert any_store.get(key) == PLAINTEXT
    any_store.put(key, b"second version")
    assert any_store.get(key) == b"second version"
    any_store.delete(key)
    with pytest.raises(DocumentUnreadable):
        any_store.get(key)
    any_store.delete(key)  # deleting twice is fine


def test_contract_empty_and_large_payloads(any_store):
    for data in (b"", os.urandom(3 * 1024 * 1024)):
        key = new_storage_key()
        any_store.put(key, data)
        assert any_store.get(key) == data


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "..",
        "/etc/passwd",
        "0123456789abcdef0123456789abcdeF",  # uppercase
        "0123456789abcdef0123456789abcde",  # too short
        "0123456789abcdef0123456789abcdef0",  # too long
        "0123456789abcdef/123456789abcdef",
        "0123456789abcdef0123456789abcde\n",
        "",
        None,
    ],
)
def test_contract_refuses_keys_that_are_not_storage_keys(any_store, directory, bad):
    for call in (lambda: any_store.put(bad, b"x"), lambda: any_store.get(bad)):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError):
        any_store.delete(bad)
    assert not directory.exists()  # refused before touching the filesystem


def test_storage_keys_are_random_128_bit_hex():
    keys = {new_storage_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(k) == 32 and int(k, 16) >= 0 for k in keys)


def test_the_file_on_disk_is_sealed_private_and_not_plaintext(store, directory):
    key = new_storage_key()
    store.put(key, PLAINTEXT)
    [path] = stored_files(directory)
    raw = path.read_bytes()
    assert raw.startswith(MAGIC)
    assert PLAINTEXT not in raw and b"carcinoma" not in raw
    assert len(raw) == len(MAGIC) + 12 + len(PLAINTEXT) + 16
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_each_write_uses_a_fresh_nonce(store, directory):
    one, two = new_storage_key(), new_storage_key()
    store.put(one, PLAINTEXT)
    store.put(two, PLAINTEXT)
    first, second = (p.read_bytes() for p in sorted(stored_files(directory)))
    assert first[4:16] != second[4:16]
    assert first[16:] != second[16:]


def test_another_key_cannot_open_the_file(store, directory):
    key = new_storage_key()
    store.put(key, PLAINTEXT)
    with pytest.raises(DocumentUnreadable):
        EncryptedFileStore(directory, os.urandom(32)).get(key)


def test_files_cannot_be_swapped_between_storage_keys(store, directory):
    mine, theirs = new_storage_key(), new_storage_key()
    store.put(mine, b"my record")
    store.put(theirs, b"someone else's record")
    path_of = {p.name: p for p in stored_files(directory)}
    path_of[mine].write_bytes(path_of[theirs].read_bytes())
    with pytest.raises(DocumentUnreadable):
        store.get(mine)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # tag
        lambda raw: raw[:20] + bytes([raw[20] ^ 0x80]) + raw[21:],  # ciphertext
        lambda raw: raw[:5] + bytes([raw[5] ^ 1]) + raw[6:],  # nonce
        lambda raw: raw[:-5],  # truncated
        lambda raw: raw[:10],  # shorter than a header and tag
        lambda raw: b"XXXX" + raw[4:],  # not our format
        lambda raw: b"",
    ],
)
def test_tampering_is_detected(store, directory, damage):
    key = new_storage_key()
    store.put(key, PLAINTEXT)
    [path] = stored_files(directory)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DocumentUnreadable):
        store.get(key)


def test_a_store_needs_a_32_byte_key(directory):
    with pytest.raises(DocumentKeyError):
        EncryptedFileStore(directory, os.urandom(16))


# -- the document key -------------------------------------------------------------------


def test_a_configured_key_is_used(tmp_path):
    config = {"DOCUMENT_ENCRYPTION_KEY": f"  {ENCODED_KEY}\n", "TELESECOND_ENV": "production"}
    assert load_or_create_key(config, tmp_path) == KEY
    assert (
        load_or_create_key({**config, "DOCUMENT_ENCRYPTION_KEY": ENCODED_KEY.rstrip("=")}, tmp_path)
        == KEY
    )
    assert not (tmp_path / KEY_FILE).exists()


@pytest.mark.parametrize(
    "bad",
    [
        "not-a-key",
        base64.b64encode(b"\xfb" * 32).decode(),  # standard base64 with + and /
        base64.urlsafe_b64encode(os.urandom(31)).decode(),
        base64.urlsafe_b64encode(os.urandom(33)).decode(),
        os.urandom(32).hex(),
        ENCODED_KEY + "A",
    ],
)
def test_a_malformed_key_is_a_clear_error(tmp_path, bad):
    with pytest.raises(ValueError, match="DOCUMENT_ENCRYPTION_KEY.*URL-safe base64 of 32"):
        load_or_create_key({"DOCUMENT_ENCRYPTION_KEY": bad}, tmp_path)


def test_production_without_a_key_is_refused(tmp_path):
    with pytest.raises(DocumentKeyError, match="Set DOCUMENT_ENCRYPTION_KEY"):
        load_or_create_key({"TELESECOND_ENV": "production"}, tmp_path)
    assert not (tmp_path / KEY_FILE).exists()


@pytest.mark.parametrize("env", ["development", "testing"])
def test_a_development_key_is_generated_once_and_reused(tmp_path, env):
    instance = tmp_path / "instance"
    first = load_or_create_key({"TELESECOND_ENV": env, "DOCUMENT_ENCRYPTION_KEY": ""}, instance)
    path = instance / KEY_FILE
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_bytes()
    again = load_or_create_key({"TELESECOND_ENV": env}, instance)
    assert again == first
    assert path.read_bytes() == written
    assert [p.name for p in instance.iterdir()] == [KEY_FILE]  # no temporary left behind


def test_a_damaged_development_key_file_is_a_clear_error(tmp_path):
    (tmp_path / KEY_FILE).write_text("garbage")
    with pytest.raises(DocumentKeyError, match=KEY_FILE):
        load_or_create_key({"TELESECOND_ENV": "development"}, tmp_path)


def test_documents_survive_a_restart_with_the_development_key(tmp_path):
    config = {"TELESECOND_ENV": "development", "UPLOAD_DIR": str(tmp_path / "up")}
    key = new_storage_key()
    build_document_store(config, tmp_path / "instance").put(key, PLAINTEXT)
    assert build_document_store(config, tmp_path / "instance").get(key) == PLAINTEXT
    assert [p.parent.parent for p in stored_files(tmp_path / "up")] == [tmp_path / "up"]


def test_the_app_refuses_to_start_with_a_bad_key(make_app):
    with pytest.raises(ValueError, match="DOCUMENT_ENCRYPTION_KEY"):
        make_app(DOCUMENT_ENCRYPTION_KEY="0123456789")


def test_the_app_stores_documents_under_upload_dir_with_its_key(make_app, tmp_path):
    app = make_app(DOCUMENT_ENCRYPTION_KEY=ENCODED_KEY)
    with app.app_context():
        key = new_storage_key()
        current().storage.put(key, PLAINTEXT)
    [path] = stored_files(Path(app.config["UPLOAD_DIR"]))
    assert EncryptedFileStore(app.config["UPLOAD_DIR"], KEY).get(key) == PLAINTEXT
    assert path.is_relative_to(tmp_path)
