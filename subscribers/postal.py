"""Polish postal codes: the format, and the city of the codes we know.

A small table of code ranges (the first two digits, or a range of full codes)
for the largest cities; elsewhere the city is taken as typed.
"""

import re

POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")

# (first code, last code, city)
KNOWN_RANGES: tuple[tuple[str, str, str], ...] = (
    ("00-001", "04-999", "Warszawa"),
    ("30-001", "31-999", "Kraków"),
    ("50-001", "54-999", "Wrocław"),
    ("60-001", "61-999", "Poznań"),
    ("80-001", "80-999", "Gdańsk"),
    ("81-001", "81-999", "Gdynia"),
    ("90-001", "94-999", "Łódź"),
    ("20-001", "20-999", "Lublin"),
    ("40-001", "40-999", "Katowice"),
    ("70-001", "71-999", "Szczecin"),
)


def city_for(code: str) -> str | None:
    """The city a known postal code belongs to, or None when the table does not know it."""
    for first, last, city in KNOWN_RANGES:
        if first <= code <= last:
            return city
    return None


def same_city(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
