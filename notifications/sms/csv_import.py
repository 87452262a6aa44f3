"""CSV import of the insured base: read and check everything first, import on confirmation."""

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.queueing import queue_after_commit
from payments.formatting import parse_amount

from .models import Agency, ImportBatch, Instalment, InsuredPerson, Policy, Vehicle
from .services import SmsError, phone_normalise

__all__ = [
    "COLUMNS",
    "ImportBatch",
    "ImportProgress",
    "import_preview",
    "import_progress",
    "import_run",
    "import_start",
]

logger = logging.getLogger(__name__)

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
    "raty",
]
REQUIRED = ("imie", "nazwisko", "telefon")
MAX_ROWS = 50_000
YES = {"tak", "t", "1", "yes", "y", "true"}
# The column "raty": the policy's instalments as termin:kwota, separated by ";" or "|",
# e.g. "2026-01-15:123,45;2026-04-15:123,45" (in a file separated by ";", the cell
# is quoted, as spreadsheets do by themselves).
MAX_INSTALMENTS = 12


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


def _amount(value: str) -> Decimal:
    """An amount as people type it: "1 234,50", "123.45"; positive, at most 2 decimals."""
    amount = parse_amount(value)  # InvalidOperation for anything else
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidOperation(value)
    if amount >= Decimal("100000000"):
        raise InvalidOperation(value)
    return amount.quantize(Decimal("0.01"))


def _instalments(value: str) -> list[list[str]]:
    """The "raty" cell as [[due date ISO, amount], …]; ValueError with the reason."""
    entries = [e.strip() for e in value.replace("|", ";").split(";") if e.strip()]
    if len(entries) > MAX_INSTALMENTS:
        raise ValueError(
            _("za dużo rat w kolumnie „raty” (najwyżej %(n)s)") % {"n": MAX_INSTALMENTS}
        )
    out: list[list[str]] = []
    for entry in entries:
        due_raw, colon, amount_raw = entry.partition(":")
        try:
            due = _date(due_raw) if colon else None
            amount = _amount(amount_raw) if colon else None
        except (ValueError, InvalidOperation):
            due = amount = None
        if due is None or amount is None:
            raise ValueError(
                _(
                    "nieprawidłowa rata „%(v)s” w kolumnie „raty” (wpisz termin:kwota, np. "
                    "2026-01-15:123,45)"
                )
                % {"v": entry}
            )
        if any(seen[0] == due.isoformat() for seen in out):
            raise ValueError(
                _("rata w terminie %(d)s powtarza się w kolumnie „raty”")
                % {"d": due.strftime("%d.%m.%Y")}
            )
        out.append([due.isoformat(), str(amount)])
    return out


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
        premium = row.get("skladka", "").strip()
        try:
            out["premium"] = str(parse_amount(premium)) if premium else None
        except InvalidOperation:
            return None, _("nieprawidłowa składka „%(v)s”") % {"v": row.get("skladka")}
    raty = row.get("raty", "").strip()
    if raty and not number:
        return None, _("raty bez numeru polisy („numer_polisy”)")
    try:
        out["instalments"] = _instalments(raty)
    except ValueError as error:
        return None, str(error)
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
        good=len(rows),
    )


# Rows written between two progress reports.
CHUNK = 1000
# A claim this old belongs to a worker that died mid-import (its transaction rolled
# back): the batch may be started again. Longer than the task's time limit.
STALE_AFTER = timedelta(minutes=15)


def _progress_key(batch_id: int) -> str:
    return f"sms:import:{batch_id}:done"


def _report_progress(batch_id: int, done: int) -> None:
    # In the cache (Redis), not in the batch row: the import's transaction is still
    # open, and the page polling for progress must see the count before it commits.
    cache.set(_progress_key(batch_id), done, timeout=int(STALE_AFTER.total_seconds()))


def _is_stale(batch: ImportBatch, now: datetime) -> bool:
    return batch.is_working and (batch.started_at is None or batch.started_at < now - STALE_AFTER)


@transaction.atomic
def import_start(*, batch: ImportBatch) -> ImportBatch:
    """Confirm a previewed batch: a worker imports its good rows, reporting progress."""
    batch = ImportBatch.objects.select_for_update().defer("rows", "errors").get(pk=batch.pk)
    now = timezone.now()
    if batch.state == ImportBatch.State.DONE:
        raise SmsError(_("Ten plik został już zaimportowany."))
    if batch.is_working and not _is_stale(batch, now):
        return batch  # a second click while it runs changes nothing
    if not batch.good:
        raise SmsError(_("W pliku nie ma poprawnych wierszy do zaimportowania."))
    batch.state, batch.failure, batch.started_at = ImportBatch.State.QUEUED, "", now
    batch.save(update_fields=["state", "failure", "started_at"])
    queue_after_commit(
        "notifications.sms.tasks.sms_import_run", batch.pk, sweeper="the import page's button"
    )
    return batch


def import_run(*, batch_id: int, chunk: int = CHUNK) -> ImportBatch | None:
    """Import a started batch in one transaction: every good row lands, or none does."""
    claimed = ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.QUEUED).update(
        state=ImportBatch.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # gone, done, or another worker has it
    batch = ImportBatch.objects.get(pk=batch_id)
    _report_progress(batch.pk, 0)
    try:
        with transaction.atomic():
            imported = _import_rows(batch, chunk)
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.DONE, imported=imported, imported_at=timezone.now()
            )
    except IntegrityError:
        logger.warning("import %s: a policy number is already taken", batch.pk, exc_info=True)
        _fail(batch, _("część numerów polis jest już w bazie (dodano je po wczytaniu pliku)"))
    except Exception:
        # Anything else also leaves the base as it was; the page says so.
        logger.exception("import %s failed", batch.pk)
        _fail(batch, _("błąd podczas zapisu"))
    finally:
        cache.delete(_progress_key(batch.pk))
    batch.refresh_from_db()
    return batch


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.FAILED, failure=reason[:300]
    )


def _import_rows(batch: ImportBatch, chunk: int) -> int:
    now = timezone.now()
    done = 0
    for start in range(0, len(batch.rows), chunk):
        rows = batch.rows[start : start + chunk]
        persons = InsuredPerson.objects.bulk_create([_person(batch, r, now) for r in rows])
        policies, vehicles = [], []
        planned: list[tuple[Policy, list[list[str]]]] = []
        for person, r in zip(persons, rows, strict=True):
            if r["policy"]:
                policy = Policy(
                    agency_id=batch.agency_id,
                    person=person,
                    number=r["policy"],
                    insurer=r["insurer"],
                    end_date=r["end_date"],
                    premium=r.get("premium"),
                )
                policies.append(policy)
                planned.append((policy, r.get("instalments") or []))
            if r["registration"]:
                vehicles.append(
                    Vehicle(
                        agency_id=batch.agency_id,
                        person=person,
                        registration=r["registration"],
                        inspection_date=r["inspection_date"],
                    )
                )
        Policy.objects.bulk_create(policies)
        Instalment.objects.bulk_create(
            Instalment(policy=policy, due_date=due, amount=Decimal(amount))
            for policy, instalments in planned
            for due, amount in instalments
        )
        Vehicle.objects.bulk_create(vehicles)
        done += len(persons)
        _report_progress(batch.pk, done)
    return done


def _person(batch: ImportBatch, r: dict[str, Any], now: datetime) -> InsuredPerson:
    return InsuredPerson(
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


@dataclass(frozen=True)
class ImportProgress:
    state: str
    done: int
    total: int
    imported: int
    failure: str
    stale: bool

    @property
    def finished(self) -> bool:
        return self.state in (ImportBatch.State.DONE, ImportBatch.State.FAILED)

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "imported": self.imported,
            "finished": self.finished,
            "failure": self.failure,
        }


def import_progress(batch: ImportBatch) -> ImportProgress:
    """Where a batch's import stands: rows written so far of the good rows."""
    if batch.state == ImportBatch.State.DONE:
        done = batch.imported
    elif batch.state == ImportBatch.State.RUNNING:
        done = int(cache.get(_progress_key(batch.pk)) or 0)
    else:
        done = 0
    return ImportProgress(
        state=batch.state,
        done=done,
        total=batch.good,
        imported=batch.imported,
        failure=batch.failure,
        stale=_is_stale(batch, timezone.now()),
    )
