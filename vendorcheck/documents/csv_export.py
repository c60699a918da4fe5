"""CSV that opens correctly in Japanese Excel and cannot smuggle in formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with an apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Yield UTF-8-with-BOM CSV text chunk by chunk (CRLF line ends, as Excel writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(cell) for cell in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return "".join(iter_csv(header, rows)).encode("utf-8")
