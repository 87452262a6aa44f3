"""CSV import of the insured base: read and check everything first, import on confirmation."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Agency, ImportBatch, InsuredPerson, Policy, Vehicle
from .services import SmsError, phone_normalise

__all__ = ["ImportBatch", "import_confirm", "import_preview", "COLUMNS"]

COLUMNS = [
    "imie",
    "nazwisko",
    "telefon",
    "email",
    "data_urodzenia",
    "zgoda_marketingowa",
    "numer_polisy",
    "ubezpieczyciel",
    "koniec_polisy",
    "skladka",
    "rejestracja",
    "data_badania",
]
REQUIRED = ("imie", "nazwisko", "telefon")
MAX_ROWS = 50_000
YES = {"tak", "t", "1", "yes", "y", "true"}


def _date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(value)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SmsError(_("Nie można odczytać pliku: zapisz go jako CSV w UTF-8."))


def _check(row: dict[str, str], taken: set[str]) -> tuple[dict[str, object] | None, str]:
    for name in REQUIRED:
        if not row.get(name, "").strip():
            return None, _("brak wartości w kolumnie „%(c)s”") % {"c": name}
    phone = phone_normalise(row["telefon"])
    if phone is None:
        return None, _("nieprawidłowy numer telefonu „%(v)s”") % {"v": row["telefon"]}
    out: dict[str, object] = {
        "first_name": row["imie"].strip()[:100],
        "last_name": row["nazwisko"].strip()[:150],
        "phone": phone,
        "email": row.get("email", "").strip()[:254],
        "consent": row.get("zgoda_marketingowa", "").strip().lower() in YES,
    }
    for column, key in (
        ("data_urodzenia", "birth_date"),
        ("koniec_polisy", "end_date"),
        ("data_badania", "inspection_date"),
    ):
        try:
            parsed = _date(row.get(column, ""))
        except ValueError:
            return None, _("nieprawidłowa data w kolumnie „%(c)s”") % {"c": column}
        out[key] = parsed.isoformat() if parsed else None
    number = row.get("numer_polisy", "").strip()
    if number:
        if not out["end_date"]:
            return None, _("polisa bez daty końca („koniec_polisy”)")
        if number in taken:
            return None, _("polisa %(n)s jest już w bazie lub powtarza się w pliku") % {"n": number}
        taken.add(number)
        premium = row.get("skladka", "").strip().replace(" ", "").replace(",", ".")
        try:
            out["premium"] = str(Decimal(premium)) if premium else None
        except InvalidOperation:
            return None, _("nieprawidłowa składka „%(v)s”") % {"v": row.get("skladka")}
    out["policy"] = number
    out["insurer"] = row.get("ubezpieczyciel", "").strip()[:100]
    out["registration"] = row.get("rejestracja", "").strip().upper()[:12]
    return out, ""


def import_preview(*, agency: Agency, upload: UploadedFile) -> ImportBatch:
    """Read the whole file; good rows and bad ones (line, reason) wait in a batch."""
    text = _decode(upload.read())
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if missing:
        raise SmsError(_("Brak kolumn: %(c)s.") % {"c": ", ".join(missing)})
    taken = set(Policy.objects.filter(agency=agency).values_list("number", flat=True))
    rows, errors = [], []
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            errors.append({"line": line, "reason": _("za dużo wierszy (najwyżej 50 000)")})
            break
        clean = {k: (v or "") for k, v in row.items() if k}
        good, reason = _check(clean, taken)
        if good is None:
            errors.append({"line": line, "reason": reason})
        else:
            rows.append(good)
    return ImportBatch.objects.create(
        agency=agency,
        filename=(upload.name or "import.csv")[:200],
        rows=rows,
        errors=errors,
        total=len(rows) + len(errors),
    )


@transaction.atomic
def import_confirm(*, batch: ImportBatch) -> int:
    """Import a batch's good rows at once; a batch is imported only once."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.imported_at is not None:
        raise SmsError(_("Ten plik został już zaimportowany."))
    now = timezone.now()
    persons = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                agency_id=batch.agency_id,
                first_name=r["first_name"],
                last_name=r["last_name"],
                phone=r["phone"],
                email=r["email"],
                birth_date=r["birth_date"],
                marketing_consent=r["consent"],
                consent_at=now if r["consent"] else None,
                consent_source=InsuredPerson.ConsentSource.IMPORT if r["consent"] else "",
            )
            for r in batch.rows
        ],
        batch_size=2000,
    )
    policies, vehicles = [], []
    for person, r in zip(persons, batch.rows, strict=True):
        if r["policy"]:
            policies.append(
                Policy(
                    agency_id=batch.agency_id,
                    person=person,
                    number=r["policy"],
                    insurer=r["insurer"],
                    end_date=r["end_date"],
                    premium=r.get("premium"),
                )
            )
        if r["registration"]:
            vehicles.append(
                Vehicle(
                    agency_id=batch.agency_id,
                    person=person,
                    registration=r["registration"],
                    inspection_date=r["inspection_date"],
                )
            )
    Policy.objects.bulk_create(policies, batch_size=2000)
    Vehicle.objects.bulk_create(vehicles, batch_size=2000)
    batch.imported_at = now
    batch.save(update_fields=["imported_at"])
    return len(persons)
