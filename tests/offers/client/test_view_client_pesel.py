"""POST /oferta/logowanie/: only the policyholder's PESEL lets a new-portal client in."""

from django.core import mail
from django.urls import reverse

from offers.evidence import ClientEntryFailure
from offers.models import OfferEvent

from .conftest import OTHER_PESEL, PESEL, Sent, frozen, send

WRONG = "Podane dane są nieprawidłowe"


def _try(client, pesel: str):
    return client.post(reverse("offers:client-pesel"), {"pesel": pesel})


def test_the_policyholders_pesel_opens_the_offer(client, new_sent: Sent):
    client.get(new_sent.link)

    response = _try(client, PESEL)

    assert response.status_code == 303
    assert response["Location"] == reverse("offers:client-offer")
    assert client.get(response["Location"]).status_code == 200
    event = new_sent.offer.events.filter(kind=OfferEvent.Kind.CLIENT_LOGIN).get()
    assert event.details == {"via": "link", "step": "pesel", "ip": "127.0.0.1"}


def test_another_pesel_is_refused_with_the_generic_message(client, new_sent: Sent):
    client.get(new_sent.link)

    response = _try(client, OTHER_PESEL)

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert ClientEntryFailure.objects.get().kind == "pesel"
    assert client.get(reverse("offers:client-offer"))["Location"] == reverse("offers:client-pesel")


def test_it_asks_for_eleven_digits_without_counting_a_failure(client, new_sent: Sent):
    client.get(new_sent.link)

    response = _try(client, "123")

    assert response.status_code == 200
    assert not ClientEntryFailure.objects.exists()


def test_five_wrong_pesels_lock_the_offer_for_fifteen_minutes_even_for_the_right_one(
    client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    client.get(new_sent.link)
    with frozen() as clock:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                _try(client, OTHER_PESEL)
        locked = _try(client, PESEL)
        assert locked.status_code == 200
        assert "zablokowane na 15 min" in locked.content.decode()
        clock.shift(15 * 60 - 1)
        assert "zablokowane" in _try(client, PESEL).content.decode()
        clock.shift(1)
        assert _try(client, PESEL).status_code == 303
    locks = [m for m in mail.outbox if "Zablokowano wejście klienta" in m.subject]
    assert [m.to for m in locks] == [[alice.email]]
    assert new_sent.offer.events.filter(kind=OfferEvent.Kind.CLIENT_LOCKED).count() == 1


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, new_sent: Sent):
    client.get(new_sent.link)
    with frozen() as clock:
        for _ in range(4):
            _try(client, OTHER_PESEL)
        clock.shift(15 * 60 + 1)
        _try(client, OTHER_PESEL)
        assert _try(client, PESEL).status_code == 303


def test_the_lock_follows_the_offer_to_another_browser(client, new_sent: Sent, client_factory):
    client.get(new_sent.link)
    with frozen():
        for _ in range(5):
            _try(client, OTHER_PESEL)
        other = client_factory(REMOTE_ADDR="10.1.2.3")
        other.get(new_sent.link)
        assert "zablokowane" in _try(other, PESEL).content.decode()


def test_five_wrong_answers_from_one_ip_across_offers_lock_that_ip(client, alice, client_factory):
    offers = [send(alice, "FM_T") for _ in range(3)]
    with frozen():
        for sent in offers[:2]:
            client.get(sent.link)
            _try(client, OTHER_PESEL)
            _try(client, OTHER_PESEL)
        client.get(offers[2].link)
        _try(client, OTHER_PESEL)  # the fifth from this IP
        assert "zablokowane" in _try(client, PESEL).content.decode()
        elsewhere = client_factory(REMOTE_ADDR="10.9.9.9")
        elsewhere.get(offers[2].link)
        assert _try(elsewhere, PESEL).status_code == 303


def test_it_redirects_without_a_session(client, db):
    response = client.get(reverse("offers:client-pesel"))

    assert response.status_code == 302
    assert response["Location"] == reverse("offers:client-access")


def test_an_old_portal_client_is_sent_to_the_file_password(client, old_sent: Sent):
    client.get(old_sent.link)

    assert client.get(reverse("offers:client-pesel"))["Location"] == reverse(
        "offers:client-password"
    )


def test_it_refuses_put(client, new_sent: Sent):
    client.get(new_sent.link)

    assert client.put(reverse("offers:client-pesel")).status_code == 405


def test_ten_wrong_pesels_stop_the_step_until_the_agent_resends(client, new_sent: Sent, alice):
    """A PESEL with a known birth date leaves about 5,000 guesses: the total limit holds too."""
    from offers import services

    with frozen() as clock:
        for _ in range(2):
            client.get(new_sent.link)
            for _ in range(5):
                _try(client, OTHER_PESEL)
            clock.shift(31 * 60)
        client.get(new_sent.link)
        refused = _try(client, PESEL)
        assert refused.status_code == 200
        assert WRONG in refused.content.decode()

        services.offer_send_dms(offer=new_sent.offer, actor=alice)

        client.get(new_sent.link)
        assert _try(client, PESEL)["Location"] == reverse("offers:client-offer")
