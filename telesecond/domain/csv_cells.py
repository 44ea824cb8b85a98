"""Cells of an exported CSV file that a spreadsheet will not run as formulas.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and some also after a leading tab or carriage return), so a value someone typed, a
reason or a name, could run as one when an admin opens the export. Such a cell gets a
leading apostrophe, which spreadsheets show as plain text; every other cell is kept as
it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell's text, with ``'`` in front when it would start a formula; None is empty."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def neutralise_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row neutralised."""
    return [neutralise(value) for value in values]


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A header and rows as CSV text (CRLF line ends), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutralise_row(header))
    writer.writerows(neutralise_row(row) for row in rows)
    return buffer.getvalue()
