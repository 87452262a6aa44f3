"""Demo for the client's side: one sent offer of each portal generation and how to open it.

Development only: the PESEL, access code and file password printed here are
demo data. Only a hash of a link's token is stored, so the demo link's token
is derived from SECRET_KEY: the same link is printed on every run, and a
second run adds no rows.
"""

import base64
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User

from . import services
from .models import LINK_LIFETIME, DmsLink, Offer, Package, hash_token

NEW_HOLDER = "Ewa Klientka (demo DMS)"
NEW_PESEL = "92071314764"
OLD_HOLDER = "Gabinet Demo DMS sp. z o.o."
OLD_NIP = "7740001454"
OLD_REGON = "192598184"


def _offer(agent: User, series: str, holder: str, party: dict[str, str], email: str) -> Offer:
    existing = (
        Offer.objects.filter(agent=agent, holder_name=holder, state=Offer.State.SENT)
        .order_by("-pk")
        .first()
    )
    if existing is not None and not existing.deadline_passed():
        return existing
    package = Package.objects.filter(product__code=series).order_by("position").first()
    assert package is not None  # noqa: S101 - the products come from a data migration
    details = services.OfferDetails(
        package=package,
        protection_start=services.local_today() + timedelta(days=21),
        holder_name=holder,
        holder_address="ul. Demonstracyjna 7, 00-950 Warszawa",
        email=email,
        mobile="+48600700800",
        email_consent=True,
        **party,  # type: ignore[arg-type]  # the party's fields, typed per key
    )
    offer = services.offer_create(agent=agent, details=details)
    services.offer_send_dms(offer=offer, actor=agent)
    offer.refresh_from_db()
    return offer


def _demo_link(offer: Offer, agent: User) -> str:
    """A link whose token is derived from SECRET_KEY, so every run can print it."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"demo-dms-{offer.number}".encode(), "sha256")
    token = base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")
    now = timezone.now()
    link = DmsLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None or not link.is_active(now):
        DmsLink.objects.filter(token_hash=hash_token(token)).delete()
        DmsLink.objects.create(
            offer=offer,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=min(now + LINK_LIFETIME, offer.payment_deadline),
            created_by=agent,
        )
    return services.client_link_url(token)


def load_client_demo() -> list[str]:
    agent = User.objects.filter(username="agent").first()
    if agent is None:
        return []
    new = _offer(
        agent,
        "FM_T",
        NEW_HOLDER,
        {"holder_kind": "person", "holder_pesel": NEW_PESEL},
        "ewa.klientka@example.com",
    )
    old = _offer(
        agent,
        "POC_T",
        OLD_HOLDER,
        {"holder_kind": "company", "holder_nip": OLD_NIP, "holder_regon": OLD_REGON},
        "gabinet.demo@example.com",
    )
    new_link, old_link = _demo_link(new, agent), _demo_link(old, agent)
    return [
        f"Klient, nowy portal ({new.display_number}, tylko dev):",
        f"  link: {new_link}",
        f"  PESEL: {NEW_PESEL}",
        f"Klient, stary portal ({old.display_number}, tylko dev):",
        f"  link: {old_link}",
        f"  albo /oferta/: e-mail {old.email} + kod dostępu {old.access_code}",
        f"  hasło do pliku (ZOBACZ OFERTĘ): {old.file_password}",
        "  płatność: sandbox — BLIK dowolny kod 6 cyfr (000000 = kod wygasł), karta, przelew",
    ]
