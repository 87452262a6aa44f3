"""No PESEL, code or password reaches the logs, whatever happens."""

import io
import logging
import re

import pytest
from django.urls import reverse
from stdnum.pl import pesel

from accounts.audit import security_event
from accounts.logging import redact_identifiers

VALID_PESEL = "44051401359"
VALID_NIP = "1234563218"


def test_redaction_masks_only_checksum_valid_numbers():
    text = f"user {VALID_PESEL} nip {VALID_NIP} order 12345678901 phone 600100200"
    redacted = redact_identifiers(text)
    assert VALID_PESEL not in redacted and VALID_NIP not in redacted
    assert "12345678901" in redacted  # not a valid PESEL: left alone
    assert "600100200" in redacted


@pytest.mark.parametrize(
    "written",
    [
        "920 713 147 64",
        "920-713-147-64",
        "920.713.147.64",
        "92071314764",
        "774-000-14-54",
        "774 000 14 54",
        "774.000.14.54",
        "920+713+147+64",
        "920%20713%20147%2064",
    ],
)
def test_redaction_masks_identifiers_written_with_separators(written):
    redacted = redact_identifiers(f"search q={written} by agent 7")
    digits = "".join(ch for ch in written.replace("%20", "") if ch.isdigit())
    assert digits not in "".join(ch for ch in redacted if ch.isdigit())
    assert redacted.endswith(" by agent 7")
    assert redacted.startswith(f"search q={digits[:2]}•")


def test_redaction_leaves_other_numbers_with_separators_alone():
    text = "IP 203.0.113.47, kwota 1 200,00 zł, tel. 600 100 200, 2026-12-01 12:00"
    assert redact_identifiers(text) == text


@pytest.fixture
def console_output():  # type: ignore[no-untyped-def]
    """What the configured console handler writes, filters and formatter included."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def _valid_pesels(text: str) -> list[str]:
    return [n for n in re.findall(r"(?<!\d)\d{11}(?!\d)", text) if pesel.is_valid(n)]


@pytest.mark.django_db
def test_security_events_and_errors_never_write_a_pesel(client, alice, console_output):
    # Logins: failures with a PESEL typed as username, a lock-out, then success.
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": VALID_PESEL, "password": "x"})
    client.post(reverse("accounts:login"), {"username": "alice", "password": "alice-secret-pass"})
    # Code that carelessly logs a PESEL is still redacted on the way out.
    logging.getLogger("portal.offers").warning("client %s entered a wrong code", VALID_PESEL)
    security_event("offer.code_failure", who=f"offer:{VALID_PESEL}")

    output = console_output.getvalue()
    assert "event=login.failure" in output
    assert "event=login.locked" in output
    assert "event=login.success" in output
    assert "entered a wrong code" in output
    assert _valid_pesels(output) == []
    assert "alice-secret-pass" not in output


@pytest.mark.django_db
def test_log_lines_carry_utc_time_who_and_ip(client, alice, console_output):
    client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "alice-secret-pass"},
        REMOTE_ADDR="203.0.113.8",
    )
    line = next(x for x in console_output.getvalue().splitlines() if "login.success" in x)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO portal.security ", line)
    assert f"who=user:{alice.pk}" in line
    assert "ip=203.0.113.8" in line
