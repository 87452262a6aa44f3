from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.fields import blind_index
from offers.models import Offer, Package, payment_deadline_for, protection_end_for

from .conftest import NIP, OTHER_PESEL, PESEL, make_offer, sent_offer

URL = reverse("offers:list")


def test_it_lists_only_my_offers(alice, bob, alice_client):
    mine = make_offer(alice)
    theirs = make_offer(bob, holder_name="Obcy Klient")
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert mine.display_number in response.text
    assert theirs.display_number not in response.text
    assert "Obcy Klient" not in response.text


def test_it_masks_the_pesel(alice, alice_client):
    make_offer(alice)
    response = alice_client.get(URL)
    assert PESEL not in response.text
    assert "85•••••••••" in response.text


def test_it_searches_by_number_name_pesel_and_nip(alice, alice_client):
    anna = make_offer(alice, holder_name="Anna Kowalska")
    jan = make_offer(alice, holder_name="Jan Zieliński", holder_pesel=OTHER_PESEL)
    firm = make_offer(alice, "POC_T")
    cases = {
        str(anna.number): anna,
        anna.display_number: anna,
        "zieliń": jan,
        OTHER_PESEL: jan,
        NIP: firm,
        "526-025-02-74": firm,
    }
    for query, expected in cases.items():
        response = alice_client.get(URL, {"q": query})
        assert f'value="{query}"' in response.text  # the search box keeps what was typed
        found = [row.pk for row in response.context["rows"]]
        assert found == [expected.pk], query


def test_it_filters_by_state_and_close_deadline(alice, alice_client):
    draft = make_offer(alice)
    close = sent_offer(alice, start=timezone.localdate() + timedelta(days=2))
    far = sent_offer(alice)
    response = alice_client.get(URL, {"stan": "draft"})
    assert [r.pk for r in response.context["rows"]] == [draft.pk]
    response = alice_client.get(URL, {"stan": "termin"})
    assert [r.pk for r in response.context["rows"]] == [close.pk]
    response = alice_client.get(URL, {"stan": "sent", "sort": "termin"})
    assert [r.pk for r in response.context["rows"]] == [close.pk, far.pk]
    assert "blisko terminu, nieopłacona" in response.text
    assert "do terminu:" in response.text


def test_it_refuses_post(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_it_sends_anonymous_users_to_the_agent_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("offers:login"))


def test_it_refuses_a_password_only_session(alice, client):
    client.force_login(alice)  # no second factor
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("offers:login"))


def test_it_refuses_other_roles(charlie, client):
    from .conftest import verified_client

    assert verified_client(charlie).get(URL).status_code == 403


def _bulk_offers(agent, count: int) -> None:
    packages = list(Package.objects.select_related("product"))
    start = timezone.localdate() + timedelta(days=20)
    Offer.objects.bulk_create(
        Offer(
            number=300_000_000 + i,
            agent=agent,
            product=packages[i % len(packages)].product,
            package=packages[i % len(packages)],
            premium=Decimal("406.00"),
            issued_on=timezone.localdate(),
            protection_start=start,
            protection_end=protection_end_for(start),
            payment_deadline=payment_deadline_for(start),
            holder_kind="person",
            holder_name=f"Klient {i}",
            holder_pesel=PESEL,
            holder_pesel_index=blind_index(PESEL),
            state=Offer.State.SENT if i % 2 else Offer.State.DRAFT,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("per_page", [25, 100])
def test_it_lists_5000_offers_in_a_constant_number_of_queries(
    alice, alice_client, django_assert_num_queries, per_page
):
    _bulk_offers(alice, 5000)
    # The user with their role names and OTP devices; one page of rows (product and
    # package joined) carrying the total, counted in a subquery on the offers alone.
    # The session comes from the cache and is written at most once a minute.
    with django_assert_num_queries(2):
        response = alice_client.get(URL, {"na_stronie": per_page, "strona": 3})
    assert len(response.context["rows"]) == per_page
    assert response.context["page"].paginator.count == 5000


def test_it_formats_time_left_and_money_in_polish():
    from datetime import UTC, datetime

    from offers.selectors import money, time_left

    now = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    assert time_left(now + timedelta(days=1, hours=3), now) == "1 dzień 3 godz."
    assert time_left(now + timedelta(days=5, hours=1), now) == "5 dni 1 godz."
    assert time_left(now + timedelta(hours=2, minutes=5), now) == "2 godz. 5 min"
    assert time_left(now + timedelta(seconds=20), now) == "1 min"
    assert time_left(now, now) == "termin minął"
    assert money(Decimal("1200.5")) == "1\u00a0200,50\u00a0zł"


def test_it_pages_through_with_the_total_and_past_the_end(alice, alice_client):
    _bulk_offers(alice, 30)
    response = alice_client.get(URL, {"na_stronie": 25, "strona": 2})
    page = response.context["page"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 30, 2)
    assert len(response.context["rows"]) == 5
    assert "Strona 2 z 2" in response.text
    response = alice_client.get(URL, {"na_stronie": 25, "strona": 9})
    assert response.context["page"].number == 2  # past the end: the last page
    response = alice_client.get(URL, {"strona": "x"})
    assert response.context["page"].number == 1
