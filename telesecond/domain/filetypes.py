"""What an uploaded file really is, judged by its bytes, and a name that is safe to show.

Pure: no Flask, no filesystem. The name a browser sends is only ever a label; the type
comes from the content.

Plain text rule: the bytes decode as strict UTF-8 (a leading BOM is allowed), contain no
control character other than tab, line feed, carriage return and form feed (so no NUL,
ESC, DEL or C1 controls), and do not open like markup a browser would render (HTML,
XML, SVG, as in the WHATWG MIME-sniffing patterns).
"""

from __future__ import annotations

import re
import unicodedata

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DICOM = "application/dicom"
TEXT = "text/plain"

# Canonical extension first.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    DICOM: (".dcm", ".dicom"),
    TEXT: (".txt", ".text", ".log", ".csv", ".md"),
}
ACCEPTED_DESCRIPTION = "PDF, JPEG, PNG, DICOM or plain text (UTF-8)"
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.txt,.dcm"
MAX_FILENAME = 200
DEFAULT_STEM = "document"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DICOM_OFFSET = 128
# Text whose name says it is one of these would be rendered or run by something.
_MARKUP_EXTENSIONS = frozenset(
    {".htm", ".html", ".xhtml", ".shtml", ".xml", ".svg", ".js", ".mjs", ".hta", ".xht"}
)
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MARKUP_START = re.compile(
    r"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    r"|svg|\?xml)[\s>/]|<!--",
    re.IGNORECASE,
)
_WINDOWS_UNSAFE = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,15}$")


def detect_type(data: bytes) -> str | None:
    """The canonical MIME type of ``data`` from its magic bytes, or None if not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[_DICOM_OFFSET : _DICOM_OFFSET + 4] == b"DICM":
        return DICOM
    if is_plain_text(data):
        return TEXT
    return None


def is_plain_text(data: bytes) -> bool:
    """True when ``data`` is plain UTF-8 text by the rule in this module's docstring."""
    if not data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if _FORBIDDEN_CONTROLS.search(text):
        return False
    return not _MARKUP_START.match(text.lstrip("\t\n\f\r "))


def split_extension(name: str) -> tuple[str, str]:
    """``("report", ".pdf")`` from ``"report.pdf"``; a name without one gives ``""``."""
    match = _EXTENSION.search(name)
    if match is None or match.start() == 0:
        return name, ""
    return name[: match.start()], match.group()


def _join(stem: str, extension: str, max_len: int = MAX_FILENAME) -> str:
    stem = stem[: max(0, max_len - len(extension))].rstrip(" .")
    return (stem or DEFAULT_STEM) + extension


def safe_filename(name: str | None, *, max_len: int = MAX_FILENAME) -> str:
    """A display name from what the client sent: no path, no control or bidi characters.

    Keeps the extension when the name has to be shortened. Never use it to judge the type.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split())  # line breaks and tabs become single spaces
    # Cc: controls, NUL; Cf: bidi overrides that disguise extensions; Cs: lone surrogates.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    text = _WINDOWS_UNSAFE.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    stem, extension = split_extension(text)
    return _join(stem, extension, max_len)


def fit_name(name: str, content_type: str) -> str | None:
    """``name`` with an extension that matches ``content_type``; None if the name contradicts it.

    A PDF, image or DICOM file keeps a matching extension, swaps a wrong one
    (``scan.jpg`` holding a PNG becomes ``scan.png``) or gains one. Plain text named like
    a PDF, an image, DICOM or a web page is refused: the name promises something else.
    """
    own = EXTENSIONS[content_type]
    stem, extension = split_extension(name)
    lowered = extension.lower()
    if lowered in own:
        return name
    known = {ext for exts in EXTENSIONS.values() for ext in exts}
    if content_type == TEXT:
        if lowered in known or lowered in _MARKUP_EXTENSIONS:
            return None
        return _join(name, own[0])
    if lowered in known:
        return _join(stem, own[0])
    return _join(name, own[0])
