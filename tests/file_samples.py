"""Sample files for upload tests: one small valid file of every accepted type, and disguises."""

from __future__ import annotations

import struct
import zlib

from telesecond.domain.filetypes import DICOM, JPEG, PDF, PNG, TEXT


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def tiny_png() -> bytes:
    """A valid 1x1 red PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
JPEG_MAGIC = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
DICOM_FILE = b"\x00" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\x14\x001.2.840.10008.1.2.1\x00"
TEXT_FILE = "Befund: Mammographie unauffällig.\r\nBlutdruck 120/80\tPuls 64\n".encode()

# name -> (bytes, MIME type): one small valid sample of every accepted type.
SAMPLES = {
    "report.pdf": (MINIMAL_PDF, PDF),
    "scan.png": (tiny_png(), PNG),
    "photo.jpg": (JPEG_MAGIC, JPEG),
    "slice.dcm": (DICOM_FILE, DICOM),
    "notes.txt": (TEXT_FILE, TEXT),
}
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# name -> bytes: content that must be refused whatever it is called.
DISGUISED = {
    "elf": ELF,
    "windows-exe": WINDOWS_EXE,
    "html": HTML,
    "html-lowercase-late": b"\n\n  <html><p>hi</p></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "xml": b'<?xml version="1.0"?><x/>',
    "html-comment": b"<!-- --><script>x</script>",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "latin-1": "Befund unauffällig".encode("latin-1"),
    "nul": b"report\x00text",
    "escape": b"\x1b[31mred\x1b[0m",
    "c1-control": "text \u0085 more".encode(),
    "empty": b"",
    "short-dicom": b"\x00" * 128 + b"DIC",
}
