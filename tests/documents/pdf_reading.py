"""Reading a rendered PDF the way a checker would: its text, its tags, its fonts."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    """The parsed PDF (parsing fails loudly on a broken file)."""
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf), strict=True)


def squeezed(text: str) -> str:
    """Text without any whitespace, NFC: what is left when wrapping moved line breaks."""
    return "".join(unicodedata.normalize("NFC", text).split())


# What every page repeats in its margin, and list bullets (extracted after the page's text).
_MARGIN = re.compile(r".* Page \d+ of \d+|•")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, without its margin (title, page number) and list bullets."""
    return [
        "\n".join(
            line for line in page.extract_text().splitlines() if not _MARGIN.fullmatch(line.strip())
        )
        for page in reader(pdf).pages
    ]


def all_text(pdf: bytes) -> str:
    """The text of every page run together, squeezed (see :func:`squeezed`)."""
    return squeezed("".join(page_texts(pdf)))


def catalog(pdf: bytes):
    """The document catalog (/Root)."""
    return reader(pdf).trailer["/Root"]


def structure_types(pdf: bytes) -> list[str]:
    """Every structure element's type (/H1, /P, /Table …) in the tag tree, in order."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            found.append(str(node["/S"]))
        if "/K" in node:
            walk(node["/K"])

    walk(catalog(pdf)["/StructTreeRoot"])
    return found


def font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded on any page (subset prefix removed)."""
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(name.split("+", 1)[-1])
    return names
