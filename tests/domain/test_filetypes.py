"""File types judged by content, and display names that are safe whatever a client sends."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain import filetypes
from telesecond.domain.filetypes import (
    DICOM,
    JPEG,
    PDF,
    PNG,
    TEXT,
    detect_type,
    fit_name,
    is_plain_text,
    safe_filename,
)
from tests.file_samples import DISGUISED, SAMPLES


@pytest.mark.parametrize("name", SAMPLES)
def test_each_accepted_type_is_recognised_by_content(name):
    data, expected = SAMPLES[name]
    assert detect_type(data) == expected


@pytest.mark.parametrize("name", SAMPLES)
def test_the_name_plays_no_part_in_detection(name):
    data, expected = SAMPLES[name]
    # detect_type takes no name at all; a renamed copy is the same bytes.
    assert detect_type(bytes(data)) == expected


@pytest.mark.parametrize("name", DISGUISED)
def test_other_content_is_refused(name):
    assert detect_type(DISGUISED[name]) is None


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii",
        "\ufeffwith a byte order mark",
        "tabs\tand\r\nline ends\fand form feeds",
        "ελληνικά, 日本語, עברית, emoji 🩺",
        "a < b and x > y",  # a less-than sign is not markup
        "<not a tag at the start but text",
        "Dear Dr <name>,",
    ],
)
def test_plain_text_rule_accepts_ordinary_text(text):
    assert is_plain_text(text.encode("utf-8"))


@pytest.mark.parametrize(
    "text",
    ["<p>para</p>", "<B>bold", "<a href=x>", " \n<TITLE>x</TITLE>", "<br/>", "<h1>x", "<div>"],
)
def test_plain_text_rule_refuses_markup_browsers_would_render(text):
    assert not is_plain_text(text.encode())


def test_dicom_needs_the_marker_exactly_at_offset_128():
    assert detect_type(b"\x00" * 127 + b"DICM" + b"\x00" * 10) is None
    assert detect_type(b"\x00" * 129 + b"DICM" + b"\x00" * 10) is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\Scans\\mri.png", "mri.png"),
        ("name\x00with\x07controls.txt", "namewithcontrols.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("  spaced   out  name .pdf ", "spaced out name.pdf"),
        ('what?<is>:this|"*.txt', "what__is__this___.txt"),
        ("...", "document"),
        ("", "document"),
        (None, "document"),
        ("/", "document"),
        (".hidden", "hidden"),
        ("Befund Müller.pdf", "Befund Müller.pdf"),
        ("line\nbreak\tand\u2028tab.txt", "line break and tab.txt"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected


def test_safe_filename_normalises_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Müller.pdf")
    assert safe_filename(decomposed) == "Müller.pdf"


def test_long_names_are_shortened_keeping_the_extension():
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) == 200
    assert name.endswith("x.pdf")


@given(st.text(max_size=400))
def test_safe_filename_always_gives_a_harmless_short_name(name):
    result = safe_filename(name)
    assert 0 < len(result) <= 200
    assert "/" not in result and "\\" not in result
    assert not result.startswith((".", " "))
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in result)
    assert safe_filename(result) == result  # idempotent


@given(st.binary(max_size=600))
def test_detect_type_never_fails_and_answers_an_accepted_type_or_none(data):
    assert detect_type(data) in (*filetypes.EXTENSIONS, None)


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("report.pdf", PDF, "report.pdf"),
        ("REPORT.PDF", PDF, "REPORT.PDF"),
        ("scan.jpg", PNG, "scan.png"),  # a misnamed image gets the right extension
        ("photo.jpeg", JPEG, "photo.jpeg"),
        ("IMG0001", DICOM, "IMG0001.dcm"),  # DICOM files often come without one
        ("report.exe", PDF, "report.exe.pdf"),
        ("notes", TEXT, "notes.txt"),
        ("notes.txt", TEXT, "notes.txt"),
        ("results.csv", TEXT, "results.csv"),
        ("letter.v2", TEXT, "letter.v2.txt"),
        ("report.pdf", TEXT, None),  # text pretending to be a PDF
        ("scan.png", TEXT, None),
        ("page.html", TEXT, None),
        ("image.svg", TEXT, None),
    ],
)
def test_fit_name(name, content_type, expected):
    assert fit_name(name, content_type) == expected


def test_fit_name_keeps_the_length_limit():
    fitted = fit_name("y" * 200, DICOM)
    assert fitted is not None and len(fitted) == 200 and fitted.endswith(".dcm")
