"""Demo data for remote sale: the agent `agent` / `agent` with a fixed TOTP secret and ~20 offers.

Development only: the TOTP secret below is public, printed by `make run` and in the README.
"""

import base64
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import ensure_user
from accounts.otp import recovery_codes_issue
from accounts.roles import Role

from . import services
from .models import (
    Offer,
    OfferEvent,
    Package,
    earliest_protection_start,
    payment_deadline_for,
    protection_end_for,
)

# 20 bytes; base32 "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP". Never use outside development.
DEMO_TOTP_HEX = "48656c6c6f21deadbeef48656c6c6f21deadbeef"
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_HEX)).decode()

# (series, holder, PESEL or (NIP, REGON), consent, days until protection starts, final state)
PEOPLE = [
    ("Anna Kowalska", "85010112345"),
    ("Piotr Wiśniewski", "90020223457"),
    ("Zofia Łęcka", "78030334563"),
    ("Grzegorz Żółć", "82040445678"),
    ("Małgorzata Dąbrowska", "95050556786"),
]
COMPANIES = [
    ("Przychodnia Zdrowie sp. z o.o.", "5260250274", "012345675"),
    ("Gabinet Świętokrzyski s.c.", "7740001454", "192598184"),
]
PLAN = [
    ("FM_T", 0, True, 20, "sent"),
    ("FM_T", 1, True, 30, "draft"),
    ("FM_T", 2, False, 25, "sent"),
    ("DM", 3, True, 2, "sent"),
    ("DM", 4, True, 40, "paid"),
    ("DM", 0, True, 35, "policy"),
    ("RM_T", 1, True, 15, "cancelled"),
    ("RM_T", 2, True, 1, "sent"),
    ("PM_T", 3, True, 45, "policy"),
    ("PM_T", 4, False, 20, "draft"),
    ("ZM_T", 0, True, 10, "expired"),
    ("ZM_T", 1, True, 60, "sent"),
    ("PL_T", "c0", True, 30, "sent"),
    ("PL_T", "c1", False, 25, "sent"),
    ("POC_T", "c1", True, 50, "paid"),
    ("POC_T", "c0", True, 12, "draft"),
    ("DOR_T", 2, True, 3, "sent"),
    ("DOR_T", 3, False, 40, "expired"),
    ("LEN_T", 4, True, 28, "policy"),
    ("LEN_T", 0, True, 33, "cancelled"),
]


def _details(series: str, who: int | str, consent: bool, days: int) -> services.OfferDetails:
    package = Package.objects.filter(product__code=series).order_by("position").first()
    assert package is not None  # noqa: S101 - the products come from a data migration
    # Counted from the first start whose deadline is still ahead, so that demo data
    # made at 21:30 is as valid as at noon ("1 day" = deadline within the next 24 h).
    start = earliest_protection_start(timezone.now()) + timedelta(days=days - 1)
    common: dict[str, Any] = {
        "package": package,
        "protection_start": start,
        "email_consent": consent,
    }
    if isinstance(who, str):
        name, nip, regon = COMPANIES[int(who[1:])]
        slug = "firma"
        party: dict[str, Any] = {"holder_kind": "company", "holder_nip": nip, "holder_regon": regon}
    else:
        name, pesel = PEOPLE[who]
        slug = f"klient{who}"
        party = {"holder_kind": "person", "holder_pesel": pesel}
    return services.OfferDetails(
        holder_name=name,
        holder_address="ul. Przykładowa 1, 00-001 Warszawa",
        email=f"{slug}@example.com",
        mobile="+48600100200" if consent else "",
        **party,
        **common,
    )


def _expire(offer: Offer) -> None:
    # Demo only: move the offer into the past, then let the real beat service expire it.
    start = services.local_today() - timedelta(days=3)
    Offer.objects.filter(pk=offer.pk).update(
        protection_start=start,
        protection_end=protection_end_for(start),
        payment_deadline=payment_deadline_for(start),
    )
    services.offer_expire(offer=offer)


def _make_offer(agent, row) -> None:
    series, who, consent, days, final = row
    offer = services.offer_create(agent=agent, details=_details(series, who, consent, days))
    if final in ("sent", "paid", "policy"):
        result = services.offer_send_dms(offer=offer, actor=agent)
        if result.outcome == services.SendOutcome.NO_CONSENT:
            services.offer_record_consent(
                offer=offer,
                actor=agent,
                informed_on=services.local_today(),
                email=offer.email,
                mobile="+48600100300",
                generate_access_code=True,
            )
    if final in ("paid", "policy"):
        services.offer_mark_paid(
            offer=offer, paid_at=timezone.now(), payment_reference=f"demo-{offer.number}"
        )
    if final == "policy":
        services.offer_issue_policy(offer=offer, actor=agent)
    if final == "cancelled":
        services.offer_cancel(offer=offer, actor=agent)
    if final == "expired":
        _expire(offer)


def load() -> list[str]:
    agent = ensure_user(
        username="agent",
        password="agent",
        role=Role.AGENT,
        first_name="Adam",
        last_name="Agentowski",
        email="agent@portal.localhost",
    )
    device, created = TOTPDevice.objects.get_or_create(
        user=agent, name="Demo", defaults={"key": DEMO_TOTP_HEX, "confirmed": True}
    )
    if created:
        recovery_codes_issue(agent)
    if not Offer.objects.filter(agent=agent).exists():
        for row in PLAN:
            _make_offer(agent, row)
        # One offer edited after sending, so the timeline shows a re-acceptance.
        edited = Offer.objects.filter(agent=agent, state=Offer.State.SENT).order_by("pk").first()
        if edited is not None:
            details = services.OfferDetails.from_offer(edited)
            details.holder_address = "ul. Zmieniona 2, 00-002 Warszawa"
            services.offer_update(offer=edited, details=details, actor=agent)
    count = Offer.objects.filter(agent=agent).count()
    events = OfferEvent.objects.filter(offer__agent=agent).count()
    return [
        f"Agent (DMS): agent / agent  →  /agent/oferty/  ({count} ofert, {events} zdarzeń)",
        f"  TOTP agenta (tylko dev): sekret {DEMO_TOTP_BASE32}",
        f"  {device.config_url}",
        "  bieżący kod: .venv/bin/python manage.py demo_totp agent",
    ]
