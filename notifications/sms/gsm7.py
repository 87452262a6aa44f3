"""GSM 03.38 (GSM-7): which characters an SMS may hold, and how many parts a text takes.

A part holds 160 septets; a longer text is split into parts of 153 (the rest
carries the concatenation header). Characters of the extension table take two
septets (an escape and the character) and are never split across two parts.
The same rules live in static/js/sms-editor.js; tests keep the two in step.
"""

import re
import unicodedata
from dataclasses import dataclass

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"
_BASIC = frozenset(BASIC)
_EXTENSION = frozenset(EXTENSION)

SINGLE_PART = 160
PER_PART = 153

POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
# Typography that word processors put in and that has a plain GSM-7 form.
TYPOGRAPHY = {
    "„": '"',
    "”": '"',
    "“": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "\t": " ",
}


def septets(char: str) -> int:
    """How many septets `char` takes in GSM-7: 1, 2 (extension) or 0 when it has none."""
    if char in _BASIC:
        return 1
    if char in _EXTENSION:
        return 2
    return 0


def is_gsm7(text: str) -> bool:
    return all(septets(char) for char in text)


def replacement(char: str) -> str:
    """The plain GSM-7 form of a character outside GSM-7 ("" when there is none)."""
    if septets(char):
        return char
    if char in TYPOGRAPHY:
        return TYPOGRAPHY[char]
    translated = char.translate(POLISH)
    if translated != char:
        return translated
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if stripped and all(septets(c) for c in stripped):
        return stripped
    return ""


_GSM = _BASIC | _EXTENSION


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_POLISH = {chr(letter): chr(plain) for letter, plain in POLISH.items()}


def _plain_polish(match: re.Match[str]) -> str:
    char = match.group()
    return _PLAIN_POLISH.get(char, char)


def transliterate(text: str) -> str:
    """`text` in GSM-7 only: Polish letters to plain ones, the rest to a plain form or "?"."""
    # Only the few non-ASCII characters are looked up: str.translate with a table
    # would look up every character of every message of a ten-thousand-message send.
    if not text.isascii():
        text = _NON_ASCII.sub(_plain_polish, text)
    if _GSM.issuperset(text):  # the common case, checked at C speed
        return text
    return "".join(replacement(char) or "?" for char in text)


@dataclass(frozen=True)
class Offender:
    char: str
    replacement: str
    count: int


def offenders(text: str) -> list[Offender]:
    """Characters of `text` outside GSM-7, in order of first appearance, with their fixes."""
    counts: dict[str, int] = {}
    for char in text:
        if not septets(char):
            counts[char] = counts.get(char, 0) + 1
    return [Offender(char, replacement(char), n) for char, n in counts.items()]


def length(text: str) -> int:
    """Septets of `text` once transliterated (what is sent is always GSM-7)."""
    plain = transliterate(text)
    return len(plain) + sum(plain.count(char) for char in EXTENSION)


def parts(text: str) -> int:
    """SMS parts `text` takes: 160 septets in one, else 153 per part, escapes kept whole."""
    plain = transliterate(text)
    escapes = sum(plain.count(char) for char in EXTENSION)
    total = len(plain) + escapes
    if total == 0:
        return 0
    if total <= SINGLE_PART:
        return 1
    if not escapes:  # nothing can straddle a boundary
        return -(-total // PER_PART)
    count, used = 1, 0
    for char in plain:
        width = septets(char)
        # An extension character's escape and character never straddle two parts.
        if used + width > PER_PART:
            count += 1
            used = 0
        used += width
    return count
