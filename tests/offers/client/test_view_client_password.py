"""POST /oferta/haslo/: "ZOBACZ OFERTĘ" with the file password (last 4 digits of NIP/PESEL)."""

from django.urls import reverse

from offers.models import OfferEvent

from .conftest import Sent, frozen, send


def _try(client, password: str):
    return client.post(reverse("offers:client-password"), {"password": password})


def test_the_last_four_digits_of_the_nip_show_the_offer(client, old_sent: Sent):
    client.get(old_sent.link)
    assert client.get(reverse("offers:client-offer"))["Location"] == reverse(
        "offers:client-password"
    )

    response = _try(client, "0274")

    assert response["Location"] == reverse("offers:client-offer")
    assert client.get(reverse("offers:client-offer")).status_code == 200
    steps = [
        e.details["step"] for e in old_sent.offer.events.filter(kind=OfferEvent.Kind.CLIENT_LOGIN)
    ]
    assert steps == ["link", "file_password"]


def test_a_person_uses_the_last_four_digits_of_the_pesel(client, alice):
    sent = send(alice, "DOR_T", holder_kind="person", holder_pesel="85010112345", holder_nip="")
    client.get(sent.link)

    assert _try(client, "2345").status_code == 303


def test_wrong_digits_get_the_generic_message(client, old_sent: Sent):
    client.get(old_sent.link)

    response = _try(client, "1111")

    assert response.status_code == 200
    assert "Podane dane są nieprawidłowe" in response.content.decode()


def test_five_wrong_passwords_lock_the_offer(client, old_sent: Sent):
    client.get(old_sent.link)
    with frozen():
        for _ in range(5):
            _try(client, "1111")
        assert "zablokowane" in _try(client, "0274").content.decode()


def test_a_new_portal_client_has_no_file_password_step(new_client):
    response = new_client.get(reverse("offers:client-password"))

    assert response["Location"] == reverse("offers:client-offer")


def test_it_needs_a_session(client, db):
    assert client.post(reverse("offers:client-password"), {"password": "0274"})[
        "Location"
    ] == reverse("offers:client-access")


def test_it_refuses_patch(client, old_sent: Sent):
    client.get(old_sent.link)

    assert client.patch(reverse("offers:client-password")).status_code == 405


def test_ten_wrong_passwords_through_the_link_stop_the_step_until_the_agent_resends(
    client, old_sent: Sent, alice
):
    """The link skips the code, not the limits: 10,000 passwords must not be tried in turn."""
    from offers import services

    with frozen() as clock:
        for _ in range(2):
            client.get(old_sent.link)
            for _ in range(5):
                _try(client, "1111")
            clock.shift(31 * 60)
        client.get(old_sent.link)
        refused = _try(client, "0274")
        assert refused.status_code == 200
        assert "Podane dane są nieprawidłowe" in refused.content.decode()

        services.offer_send_dms(offer=old_sent.offer, actor=alice)

        client.get(old_sent.link)
        assert _try(client, "0274")["Location"] == reverse("offers:client-offer")
