"""CSV files for staff's spreadsheet programs, safe to open: every CSV the project writes goes through here.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula: a message someone typed (``=HYPERLINK(...)``) would become a live link or a
calculation in staff's spreadsheet (CSV injection). Such text gets a leading ``'``, which spreadsheets
show as plain text. Numbers are written as they are: a count is never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The file's text, with a byte-order mark so spreadsheet programs read Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (header, *rows):
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()
