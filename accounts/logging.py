"""Logging pieces: UTC timestamps and redaction of national identifiers."""

import logging
import re
import time

from stdnum.pl import nip, pesel

from .fields import mask_identifier

# Digits in groups joined by one separator each: how people write identifiers
# ("920 713 147 64", "774-000-14-54", "774.000.14.54"), as typed in a form or a URL.
_SEPARATOR = r"(?:[ .\-+\u00a0]|%20)"
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?!\d)")
_GROUP = re.compile(rf"(?:^|{_SEPARATOR})(\d+)")


def _valid(number: str) -> bool:
    if len(number) == 11:
        return bool(pesel.is_valid(number))
    return len(number) == 10 and bool(nip.is_valid(number))


def _redact_run(run: str) -> str:
    """Mask each checksum-valid PESEL or NIP made of whole groups of this run of digits."""
    groups = list(_GROUP.finditer(run))
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(groups):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j].group(1)
            if len(digits) > 11:
                break
            if len(digits) >= 10 and _valid(digits):
                spans.append((groups[i].start(1), groups[j].end(1), digits))
                i = j
                break
        i += 1
    for start, end, digits in reversed(spans):
        run = run[:start] + mask_identifier(digits) + run[end:]
    return run


def redact_identifiers(text: str) -> str:
    """Mask every checksum-valid PESEL (11 digits) or NIP (10 digits) in the text.

    Written together or in groups with spaces, dashes or dots between them.
    """
    return _DIGIT_RUN.sub(lambda match: _redact_run(match.group()), text)


class RedactIdentifiersFilter(logging.Filter):
    """Last line of defence: no PESEL or NIP leaves the process in a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_identifiers(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]  # gmtime takes the seconds the base passes
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
