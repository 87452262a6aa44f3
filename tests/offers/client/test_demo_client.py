"""demo_data's client lines: each printed way in really opens its offer, at any hour."""

import re
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from offers.demo_client import NEW_PESEL, load_client_demo
from offers.models import WARSAW, Offer

# The evening after the 21:00 deadline and the midnight after it, also on the days
# the clocks change (29 March and 25 October 2026 have 23 and 25 hours).
MOMENTS = [
    datetime(2026, 6, 15, 12, 0, 0, tzinfo=WARSAW),
    *(
        datetime(2026, month, day, *hms, tzinfo=WARSAW)
        for month, day in ((3, 29), (10, 25))
        for hms in ((0, 0, 0), (20, 59, 59), (21, 0, 0), (23, 59, 59))
    ),
    datetime(2026, 3, 30, 0, 0, 0, tzinfo=WARSAW),
    datetime(2026, 10, 26, 0, 0, 0, tzinfo=WARSAW),
]


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _new_portal_offer_opens(client: Client) -> None:
    lines = load_client_demo()  # a second run prints the same link
    links = [line.split("link: ")[1] for line in lines if "link: " in line]

    client.get(_path(links[0]))
    response = client.post(reverse("offers:client-pesel"), {"pesel": NEW_PESEL})

    assert response["Location"] == reverse("offers:client-offer")


def _old_portal_offer_opens(client: Client) -> None:
    text = "\n".join(load_client_demo())
    email, code = re.search(r"e-mail (\S+) \+ kod dostępu (\S+)", text).groups()
    password = re.search(r"hasło do pliku \(ZOBACZ OFERTĘ\): (\d{4})", text).group(1)

    client.post(reverse("offers:client-access"), {"email": email, "code": code})
    response = client.post(reverse("offers:client-password"), {"password": password})

    assert response["Location"] == reverse("offers:client-offer")


def test_the_printed_link_and_pesel_open_the_new_portal_offer(client, db):
    call_command("demo_data")
    _new_portal_offer_opens(client)


def test_the_printed_email_code_and_password_open_the_old_portal_offer(client, db):
    call_command("demo_data")
    _old_portal_offer_opens(client)


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.strftime("%Y-%m-%d_%H%M%S"))
def test_demo_data_is_valid_whatever_the_hour(moment, client, db):
    with time_machine.travel(moment, tick=False):
        call_command("demo_data")

        states = Offer.objects.values_list("state", flat=True)
        # Every planned state is there: nothing meant to be open has expired on the way.
        assert {
            Offer.State.DRAFT,
            Offer.State.SENT,
            Offer.State.PAID,
            Offer.State.POLICY,
            Offer.State.CANCELLED,
            Offer.State.EXPIRED,
        } <= set(states)
        open_offers = Offer.objects.filter(state__in=[Offer.State.DRAFT, Offer.State.SENT])
        assert all(not offer.deadline_passed() for offer in open_offers)
        _new_portal_offer_opens(client)
        _old_portal_offer_opens(Client())
