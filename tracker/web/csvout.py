"""CSV downloads for every export of the app: cells a spreadsheet cannot run as formulas.

The OWASP rule for CSV injection: a text cell that starts with `=`, `+`, `-`, `@`, tab or
carriage return is read as a formula by Excel, LibreOffice and Google Sheets, so it gets a
leading single quote, and every text cell is quoted. Line feed and the full-width forms of the
four signs (which spreadsheets in Chinese and Japanese settings also accept) are treated the
same, and so is any of them after leading spaces (LibreOffice can trim spaces on import).
Numbers that are real numbers (int, float, Decimal) are written as numbers, so a negative change
stays -0.5 and sorts as a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def csv_cell(value):
    """One value as a CSV cell: numbers as numbers, None as empty, text that could be a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """The header and rows as CSV text; every text cell quoted, numbers bare."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A CSV download named `filename`.csv (the security headers add `Cache-Control: no-store`)."""
    response = Response(csv_text(header, rows), mimetype="text/csv")
    safe_name = _FILENAME_UNSAFE.sub("_", filename) or "export"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}.csv"'
    return response
