"""Responses that download a file: one place for the headers every download needs.

- `file_download`: a document (bytes or an open file) as an attachment.
- `csv_download`: the one CSV writer every export uses: semicolons and a BOM
  (what Excel in a Polish locale opens without an import wizard), streamed, and
  safe to open in a spreadsheet (see `safe_cell`).
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

# OWASP's CSV-injection rule: a spreadsheet runs a cell that starts with one of
# these as a formula (tab and carriage return hide the sign from a quick look).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _private_attachment(response: HttpResponseBase, filename: str) -> None:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Documents carry personal data: neither shared caches nor the browser keep them,
    # and the browser takes the declared type at its word.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"


def file_download(
    content: bytes | IO[bytes], *, filename: str, content_type: str = "application/pdf"
) -> HttpResponseBase:
    """The file as an attachment named `filename`, never cached."""
    response: HttpResponseBase
    if isinstance(content, bytes | bytearray | memoryview):
        response = HttpResponse(bytes(content), content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    _private_attachment(response, filename)
    return response


def safe_cell(value: object) -> str:
    """The cell's text, with a leading quote if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text line by line: a BOM, then each row with every cell made safe."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_download(rows: Iterable[Sequence[object]], *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (the first one the header) as a CSV attachment."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    _private_attachment(response, filename)
    return response
