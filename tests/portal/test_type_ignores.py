"""Every `type: ignore` in the apps names its error code and says why, in a comment after it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "notifications",
    "payments",
    "invoicing",
    "offers",
    "subscribers",
    "partners",
    "portal",
)
EXPLAINED = re.compile(r"# type: ignore\[[a-z0-9, -]+\]\s+#\s*\S")


def test_every_type_ignore_carries_its_code_and_a_reason():
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "type: ignore" in line and not EXPLAINED.search(line)
    ]
    assert bare == []
