"""Offers fixtures: products come from the data migration; offers are made by the services."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from offers import services
from offers.models import Offer, Package

from ..conftest import session_verified_by

PESEL = "85010112345"
OTHER_PESEL = "90020223457"
NIP = "5260250274"
REGON = "012345675"


def package(series: str = "FM_T") -> Package:
    return Package.objects.filter(product__code=series).order_by("position").first()


def details(series: str = "FM_T", *, start: date | None = None, **overrides: object):
    values = {
        "package": package(series),
        "protection_start": start or services.local_today() + timedelta(days=30),
        "holder_kind": "person",
        "holder_name": "Anna Kowalska",
        "holder_pesel": PESEL,
        "email": "anna@example.com",
        "mobile": "+48600100200",
        "email_consent": True,
    }
    if values["package"].product.portal == "old" and "holder_kind" not in overrides:
        values.update(
            holder_kind="company",
            holder_name="Przychodnia sp. z o.o.",
            holder_pesel="",
            holder_nip=NIP,
            holder_regon=REGON,
        )
    values.update(overrides)
    return services.OfferDetails(**values)


def make_offer(agent: User, series: str = "FM_T", **overrides: object) -> Offer:
    return services.offer_create(agent=agent, details=details(series, **overrides))


def sent_offer(agent: User, series: str = "FM_T", **overrides: object) -> Offer:
    offer = make_offer(agent, series, **overrides)
    services.offer_send_dms(offer=offer, actor=agent)
    offer.refresh_from_db()
    return offer


def verified_client(user: User) -> Client:
    """A browser session that passed both the password and the TOTP step."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    return session_verified_by(user, device)


@pytest.fixture
def alice_client(alice: User) -> Client:
    return verified_client(alice)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return verified_client(bob)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
