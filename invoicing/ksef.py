"""The invoice as KSeF's FA(3) XML, and the client that submits it.

KSeF (Krajowy System e-Faktur) takes an invoice as an FA(3) document and, a
moment later, answers with its own KSeF number or a reason for refusal. Talking
to it needs the internet and the seller's credentials, so the portal speaks
to it through `KsefClient`, chosen by `settings.KSEF_CLIENT`: "fake" answers
like KSeF without leaving the machine (development and tests), "disabled"
sends nothing (invoices stay "not sent" for staff to submit in KSeF's own
application), a dotted path names a client class of one's own.
"""

import base64
import enum
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from lxml import etree

from .models import Invoice, PaymentMethod, VatRate

FA3_NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"
_NS = "{" + FA3_NAMESPACE + "}"

# Which pair of totals (net P_13_x, tax P_14_x) of FA(3) carries each rate.
_RATE_FIELDS = {
    VatRate.BASIC: ("P_13_1", "P_14_1"),
    VatRate.REDUCED: ("P_13_2", "P_14_2"),
    VatRate.SUPER_REDUCED: ("P_13_3", "P_14_3"),
}
# FA(3)'s code of a rate in a line (P_12); 0 % for a domestic sale is "0 KR".
_RATE_CODES = {VatRate.BASIC: "23", VatRate.REDUCED: "8", VatRate.SUPER_REDUCED: "5"}
_RATE_CODES[VatRate.ZERO] = "0 KR"
# FA(3)'s FormaPlatnosci: 2 card, 6 transfer, 7 mobile payment (BLIK).
_PAYMENT_CODES = {PaymentMethod.CARD: "2", PaymentMethod.TRANSFER: "6", PaymentMethod.MOBILE: "7"}


def _el(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, _NS + tag)
    if text is not None:
        element.text = str(text)
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _price(value: Decimal) -> str:
    """A unit price with the grosze always shown and any finer digits kept (TKwotowy2)."""
    places = max(2, -int(value.normalize().as_tuple().exponent))
    return f"{value:.{places}f}"


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _address(parent: etree._Element, tag: str, address: str) -> None:
    """A Polish address as FA(3) wants it: street line, then postcode and town."""
    element = _el(parent, tag)
    _el(element, "KodKraju", "PL")
    # An address typed on several lines reads as one with commas.
    address = ", ".join(part.strip() for part in address.splitlines() if part.strip())
    street, _, town = address.rpartition(",")
    if street.strip():
        _el(element, "AdresL1", street.strip())
        _el(element, "AdresL2", town.strip())
    else:
        _el(element, "AdresL1", address.strip())


def _header(root: etree._Element, invoice: Invoice) -> None:
    header = _el(root, "Naglowek")
    code = _el(header, "KodFormularza", "FA")
    code.set("kodSystemowy", "FA (3)")
    code.set("wersjaSchemy", "1-0E")
    _el(header, "WariantFormularza", 3)
    created = invoice.issued_at.astimezone(UTC).replace(microsecond=0)
    _el(header, "DataWytworzeniaFa", created.strftime("%Y-%m-%dT%H:%M:%SZ"))
    _el(header, "SystemInfo", "Portal")


def _parties(root: etree._Element, invoice: Invoice) -> None:
    seller = _el(root, "Podmiot1")
    ids = _el(seller, "DaneIdentyfikacyjne")
    _el(ids, "NIP", invoice.seller_nip)
    _el(ids, "Nazwa", invoice.seller_name)
    _address(seller, "Adres", invoice.seller_address)
    if invoice.seller_email:
        _el(_el(seller, "DaneKontaktowe"), "Email", invoice.seller_email)

    buyer = _el(root, "Podmiot2")
    ids = _el(buyer, "DaneIdentyfikacyjne")
    if invoice.buyer_nip:
        _el(ids, "NIP", invoice.buyer_nip)
    else:
        _el(ids, "BrakID", 1)  # a consumer: no tax identifier
    _el(ids, "Nazwa", invoice.buyer_name)
    _address(buyer, "Adres", invoice.buyer_address)
    if invoice.buyer_email:
        _el(_el(buyer, "DaneKontaktowe"), "Email", invoice.buyer_email)
    _el(buyer, "JST", 2)  # not a unit of local government
    _el(buyer, "GV", 2)  # not a member of a VAT group


def _annotations(fa: etree._Element) -> None:
    """The statutory flags, each "no" for an ordinary domestic sale."""
    notes = _el(fa, "Adnotacje")
    for tag in (
        "P_16",
        "P_17",
        "P_18",
        "P_18A",
    ):  # cash method, self-billing, reverse charge, split payment
        _el(notes, tag, 2)
    _el(_el(notes, "Zwolnienie"), "P_19N", 1)
    _el(_el(notes, "NoweSrodkiTransportu"), "P_22N", 1)
    _el(notes, "P_23", 2)  # not a simplified triangular procedure
    _el(_el(notes, "PMarzy"), "P_PMarzyN", 1)


def _lines(fa: etree._Element, invoice: Invoice) -> None:
    for item in invoice.items.all():
        line = _el(fa, "FaWiersz")
        _el(line, "NrWierszaFa", item.position)
        _el(line, "P_7", item.description)
        _el(line, "P_8A", item.unit)
        _el(line, "P_8B", _quantity(item.quantity))
        if invoice.basis == Invoice.Basis.NET:
            _el(line, "P_9A", _price(item.unit_net))  # type: ignore[arg-type]  # set on NET invoices
            _el(line, "P_11", _amount(item.net))
        else:
            # Counted from gross (art. 106e ust. 7 and 8): gross unit price and value.
            _el(line, "P_9B", _price(item.unit_gross))  # type: ignore[arg-type]  # set on GROSS
            _el(line, "P_11A", _amount(item.gross))
        _el(line, "P_12", _RATE_CODES[VatRate(item.vat_rate)])


def _fa(root: etree._Element, invoice: Invoice) -> None:
    fa = _el(root, "Fa")
    _el(fa, "KodWaluty", invoice.currency)
    _el(fa, "P_1", invoice.issue_date.isoformat())
    if invoice.place:
        _el(fa, "P_1M", invoice.place)
    _el(fa, "P_2", invoice.number)
    if invoice.sale_date != invoice.issue_date:
        # Only a sale date that differs from the issue date is stated (art. 106e ust. 1 pkt 6).
        _el(fa, "P_6", invoice.sale_date.isoformat())
    totals = {total.rate: total for total in invoice.totals_by_rate()}
    for rate, (net_field, tax_field) in _RATE_FIELDS.items():
        if rate in totals:
            _el(fa, net_field, _amount(totals[rate].net))
            _el(fa, tax_field, _amount(totals[rate].vat))
    if VatRate.ZERO in totals:
        _el(fa, "P_13_6_1", _amount(totals[VatRate.ZERO].net))
    _el(fa, "P_15", _amount(invoice.gross_total))
    _annotations(fa)
    _el(fa, "RodzajFaktury", "VAT")
    _lines(fa, invoice)
    payment = _el(fa, "Platnosc")
    _el(payment, "Zaplacono", 1)
    _el(payment, "DataZaplaty", timezone.localdate(invoice.paid_at).isoformat())
    _el(payment, "FormaPlatnosci", _PAYMENT_CODES[PaymentMethod(invoice.payment_method)])
    account = _el(payment, "RachunekBankowy")
    _el(account, "NrRB", invoice.seller_iban.removeprefix("PL"))
    if invoice.seller_bank:
        _el(account, "NazwaBanku", invoice.seller_bank)


def invoice_fa3_xml(invoice: Invoice) -> bytes:
    """The invoice as an FA(3) document (UTF-8), as KSeF takes it: the one written at issue."""
    if invoice.fa3_xml:
        return invoice.fa3_xml.encode()
    return build_fa3_xml(invoice)


def build_fa3_xml(invoice: Invoice) -> bytes:
    """Write the FA(3) document of an invoice from its rows."""
    root = etree.Element(_NS + "Faktura", nsmap={None: FA3_NAMESPACE})  # type: ignore[dict-item]  # None: the default namespace
    _header(root, invoice)
    _parties(root, invoice)
    _fa(root, invoice)
    footer = _el(root, "Stopka")
    _el(
        _el(footer, "Informacje"),
        "StopkaFaktury",
        "Faktura jest ważna bez podpisów odbiorcy oraz wystawiającego.",
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_fa3_filename(invoice: Invoice) -> str:
    return f"{invoice.filename_stem}.xml"


def invoice_fa3_response(invoice: Invoice) -> HttpResponse:
    """The FA(3) XML as a download, for a view that has already checked who may see it."""
    response = HttpResponse(invoice_fa3_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice_fa3_filename(invoice)}"'
    return response


def ksef_verification_url(invoice: Invoice) -> str:
    """KSeF's "KOD I" link: anyone holding the printout can check the invoice in KSeF."""
    digest = hashlib.sha256(invoice_fa3_xml(invoice)).digest()
    token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    day = invoice.issue_date.strftime("%d-%m-%Y")
    return f"{settings.KSEF_QR_BASE_URL}/invoice/{invoice.seller_nip}/{day}/{token}"


# The client ------------------------------------------------------------------


class KsefError(Exception):
    """KSeF could not be reached or answered with an error worth retrying."""


class Decision(enum.StrEnum):
    PROCESSING = "processing"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class KsefStatus:
    state: Decision
    ksef_number: str = ""
    reason: str = ""


class KsefClient(Protocol):
    def send(self, *, xml: bytes, seller_nip: str) -> str:
        """Submit one FA(3) document; return KSeF's reference number for it."""
        ...

    def status(self, *, reference: str, seller_nip: str) -> KsefStatus:
        """KSeF's decision on a submitted document."""
        ...


def _crc8(data: bytes) -> int:
    """CRC-8 (polynomial 0x07, initial 0x00), the check digits of a KSeF number."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def ksef_number_for(*, seller_nip: str, day: date, seed: str) -> str:
    """A number shaped like KSeF's: NIP-YYYYMMDD-12 hex digits-2 hex check digits."""
    body = f"{seller_nip}-{day:%Y%m%d}-{hashlib.sha256(seed.encode()).hexdigest()[:12].upper()}"
    return f"{body}-{_crc8(body.encode()):02X}"


class FakeKsef:
    """Answers like KSeF, in memory: accepts everything unless told to refuse.

    A resubmitted invoice (same seller, same number) gets its first reference
    back, as KSeF itself refuses a duplicate.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.submitted: list[bytes] = []
            self._references: dict[tuple[str, str], str] = {}
            self._decisions: dict[str, KsefStatus] = {}
            self._next: list[KsefStatus | KsefError] = []

    def reject_next(self, reason: str) -> None:
        self._next.append(KsefStatus(state=Decision.REJECTED, reason=reason))

    def hold_next(self) -> None:
        """The next document stays "processing" until `decide` is called."""
        self._next.append(KsefStatus(state=Decision.PROCESSING))

    def fail_next(self, message: str = "KSeF niedostępny") -> None:
        self._next.append(KsefError(message))

    def decide(self, reference: str, status: KsefStatus) -> None:
        self._decisions[reference] = status

    def send(self, *, xml: bytes, seller_nip: str) -> str:
        number = etree.fromstring(xml).findtext(f"{_NS}Fa/{_NS}P_2") or ""
        with self._lock:
            key = (seller_nip, number)
            if key in self._references:
                return self._references[key]
            scripted = self._next.pop(0) if self._next else None
            if isinstance(scripted, KsefError):
                raise scripted
            self.submitted.append(xml)
            today = timezone.localdate()
            digest = hashlib.sha256(xml).hexdigest()[:10].upper()
            reference = f"{today:%Y%m%d}-EE-{digest}-{len(self.submitted):02d}"
            self._references[key] = reference
            self._decisions[reference] = scripted or KsefStatus(
                state=Decision.ACCEPTED,
                ksef_number=ksef_number_for(seller_nip=seller_nip, day=today, seed=reference),
            )
            return reference

    def status(self, *, reference: str, seller_nip: str) -> KsefStatus:
        with self._lock:
            if reference in self._decisions:
                return self._decisions[reference]
        # Sent by another process (a worker's sibling, or before a restart): the
        # fake accepts by default, under the number its reference always gives.
        try:
            day = datetime.strptime(reference[:8], "%Y%m%d").date()  # noqa: DTZ007 (a date)
        except ValueError as exc:
            raise KsefError(f"Nieznany numer referencyjny {reference}.") from exc
        number = ksef_number_for(seller_nip=seller_nip, day=day, seed=reference)
        return KsefStatus(state=Decision.ACCEPTED, ksef_number=number)


_fake = FakeKsef()
CLIENTS: dict[str, object] = {"fake": _fake}


def get_client(name: str | None = None) -> KsefClient | None:
    """The configured KSeF client, or None when submission is disabled."""
    name = name or settings.KSEF_CLIENT
    if name == "disabled":
        return None
    if name in CLIENTS:
        return CLIENTS[name]  # type: ignore[return-value]  # CLIENTS holds KsefClient instances
    return import_string(name)()
