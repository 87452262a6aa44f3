"""The fields of a template ("Wstaw") and how a target person fills them."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import gsm7
from .models import Agency, Instalment, InsuredPerson, Policy, Vehicle

FIELDS: dict[str, object] = {
    "imie": _("imię"),
    "nazwisko": _("nazwisko"),
    "numer_polisy": _("numer polisy"),
    "koniec_polisy": _("data końca polisy"),
    "rejestracja": _("numer rejestracyjny"),
    "data_badania": _("data badania technicznego"),
    "skladka": _("składka"),
    "termin_raty": _("termin raty"),
    "kwota_raty": _("kwota raty"),
    "telefon_agenta": _("telefon agenta"),
}
FIELD_RE = re.compile(r"\{([a-z_]+)\}")

# What the editor's counter fills in: values of a typical length.
SAMPLE = {
    "imie": "Katarzyna",
    "nazwisko": "Kowalczyk",
    "numer_polisy": "PZU123456789",
    "koniec_polisy": "31.12.2026",
    "rejestracja": "WPI 12345",
    "data_badania": "15.01.2027",
    "skladka": "1234,56 zl",
    "termin_raty": "10.01.2027",
    "kwota_raty": "312,00 zl",
    "telefon_agenta": "+48 600 100 200",
}


def unknown_fields(text: str) -> list[str]:
    return [name for name in FIELD_RE.findall(text) if name not in FIELDS]


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _money(value: Decimal | None) -> str:
    return f"{value:.2f}".replace(".", ",") + " zl" if value is not None else ""


@dataclass
class Target:
    """Whom a message is for and what it is about (the subject of a reminder)."""

    person: InsuredPerson
    policy: Policy | None = None
    vehicle: Vehicle | None = None
    instalment: Instalment | None = None
    due: date | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def values(self, agency: Agency) -> dict[str, str]:
        policy = self.policy or (self.instalment.policy if self.instalment else None)
        return {
            "imie": self.person.first_name,
            "nazwisko": self.person.last_name,
            "numer_polisy": policy.number if policy else "",
            "koniec_polisy": _date(policy.end_date) if policy else "",
            "rejestracja": self.vehicle.registration if self.vehicle else "",
            "data_badania": _date(self.vehicle.inspection_date) if self.vehicle else "",
            "skladka": _money(policy.premium) if policy else "",
            "termin_raty": _date(self.instalment.due_date) if self.instalment else "",
            "kwota_raty": _money(self.instalment.amount) if self.instalment else "",
            "telefon_agenta": agency.agent_phone,
            **self.extra,
        }

    def subject_key(self, kind: str, on: date) -> str | None:
        """The reminder's unique key: one message per subject, type and date."""
        if self.vehicle is not None:
            return f"{kind}:vehicle:{self.vehicle.pk}:{self.due or on}"
        if self.instalment is not None:
            return f"{kind}:instalment:{self.instalment.pk}:{self.due or on}"
        if self.policy is not None:
            return f"{kind}:policy:{self.policy.pk}:{self.due or on}"
        if kind == "free":
            return None
        return f"{kind}:person:{self.person.pk}:{on}"


def fill(text: str, values: dict[str, str]) -> str:
    """The template with its fields filled, all in GSM-7 (values are transliterated)."""
    filled = FIELD_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return gsm7.transliterate(filled)


def sample_text(text: str) -> str:
    return fill(text, SAMPLE)
