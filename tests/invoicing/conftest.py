"""Issuing helpers, the fake KSeF emptied per test, and the official FA(3) schema."""

from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from lxml import etree

from invoicing import ksef
from invoicing.models import Invoice
from invoicing.services import Buyer, InvoiceLine, invoice_issue

SCHEMAS = "ksef_client.documents.fa3.schemas"
MAIN_SCHEMA = "schemat_FA(3)_v1-0E.xsd"

AGENCY = Buyer(
    name="Agencja Ubezpieczeniowa Polna sp. z o.o.",
    nip="7251801126",
    address="ul. Polna 1, 00-001 Warszawa",
    email="biuro@polna.example.com",
)


def issue(topic: str = "sms-topup:1", *lines: InvoiceLine, **kwargs: Any) -> Invoice:
    kwargs.setdefault("buyer", AGENCY)
    kwargs.setdefault("paid_at", timezone.now())
    return invoice_issue(
        lines=list(lines)
        or [InvoiceLine(description="Doładowanie konta SMS", unit_gross=Decimal("100.00"))],
        topic=topic,
        **kwargs,
    )


def at(text: str) -> datetime:
    """A Warsaw wall-clock time, e.g. at("2026-03-29 02:30")."""
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def ksef_fake(settings):  # type: ignore[no-untyped-def]
    settings.KSEF_CLIENT = "fake"
    fake = ksef.get_client("fake")
    fake.reset()  # type: ignore[union-attr]
    yield fake
    fake.reset()  # type: ignore[union-attr]


class PackagedSchemas(etree.Resolver):
    """Hand lxml the package's own copies of the schemas the XSD imports over http.

    Anything else is refused, so validation can never reach the network.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, url: str, public_id: str | None, context: Any) -> Any:
        local = self.folder / Path(url).name
        if not local.is_file():
            raise LookupError(f"Schema {url} is not in {SCHEMAS}; refusing to fetch it.")
        return self.resolve_filename(str(local), context)


@pytest.fixture(scope="session")
def fa3_schema() -> etree.XMLSchema:
    # The schemas folder is a namespace package: join a file name to get a real path.
    main = Path(str(resources.files(SCHEMAS).joinpath(MAIN_SCHEMA)))
    folder = main.parent
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(PackagedSchemas(folder))
    return etree.XMLSchema(etree.parse(str(main), parser))
