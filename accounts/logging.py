"""Logging pieces: UTC timestamps and redaction of national identifiers."""

import logging
import re
import time

from stdnum.pl import nip, pesel

from .fields import mask_identifier

_DIGIT_RUN = re.compile(r"(?<!\d)(\d{10,11})(?!\d)")


def redact_identifiers(text: str) -> str:
    """Mask every checksum-valid PESEL (11 digits) or NIP (10 digits) in the text."""

    def replace(match: re.Match[str]) -> str:
        number = match.group(1)
        valid = pesel.is_valid(number) if len(number) == 11 else nip.is_valid(number)
        return mask_identifier(number) if valid else number

    return _DIGIT_RUN.sub(replace, text)


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
