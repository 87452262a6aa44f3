"""demo_data's client lines: each printed way in really opens its offer."""

import re

from django.core.management import call_command
from django.urls import reverse

from offers.demo_client import NEW_PESEL, load_client_demo


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_printed_link_and_pesel_open_the_new_portal_offer(client, db):
    call_command("demo_data")
    lines = load_client_demo()  # a second run prints the same link
    links = [line.split("link: ")[1] for line in lines if "link: " in line]

    client.get(_path(links[0]))
    response = client.post(reverse("offers:client-pesel"), {"pesel": NEW_PESEL})

    assert response["Location"] == reverse("offers:client-offer")


def test_the_printed_email_code_and_password_open_the_old_portal_offer(client, db):
    call_command("demo_data")
    text = "\n".join(load_client_demo())
    email, code = re.search(r"e-mail (\S+) \+ kod dostępu (\S+)", text).groups()
    password = re.search(r"hasło do pliku \(ZOBACZ OFERTĘ\): (\d{4})", text).group(1)

    client.post(reverse("offers:client-access"), {"email": email, "code": code})
    response = client.post(reverse("offers:client-password"), {"password": password})

    assert response["Location"] == reverse("offers:client-offer")
