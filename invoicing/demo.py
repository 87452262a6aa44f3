"""Demo invoices (development only): one counted from gross, one from net, one to a consumer."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .services import Buyer, InvoiceLine, invoice_issue

AGENCY = Buyer(
    name="Agencja Ubezpieczeniowa Demo sp. z o.o.",
    nip="7251801126",
    address="ul. Piotrkowska 100, 90-001 Łódź",
    email="agencja.demo@example.com",
)


def load() -> list[str]:
    paid = timezone.now() - timedelta(days=1)
    invoice_issue(
        buyer=AGENCY,
        lines=[InvoiceLine(description="Doładowanie konta SMS", unit_gross=Decimal("100.00"))],
        topic="demo:sms-topup",
        paid_at=paid,
    )
    invoice_issue(
        buyer=Buyer(
            name="Serwis Komputerowy Demo s.c.",
            nip="1112223332",
            address="ul. Długa 5, 80-001 Gdańsk",
        ),
        lines=[
            InvoiceLine(
                description="Licencja programu", quantity=Decimal(3), unit_net=Decimal("249.00")
            ),
            InvoiceLine(
                description="Abonament aktualizacji (12 miesięcy)", unit_net=Decimal("99.90")
            ),
        ],
        topic="demo:partner-order",
        paid_at=paid,
    )
    invoice_issue(
        buyer=Buyer(name="Jan Kowalski", address="ul. Leśna 3, 30-001 Kraków"),
        lines=[
            InvoiceLine(
                description="Podręcznik użytkownika", unit_gross=Decimal("42.00"), vat_rate=5
            )
        ],
        topic="demo:consumer",
        paid_at=paid,
    )
    return ["Faktury VAT (PDF, XML FA(3), stan w KSeF): admin  →  /admin/invoicing/invoice/"]
