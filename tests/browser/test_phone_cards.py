"""At 360 px the agent's offer list, an offer's links and history, and the outbox are cards.

No page scrolls sideways and no cell lies outside the screen, so the number,
client, premium, deadline and state of every offer are read without scrolling.
"""

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.roles import Role
from offers import services

from ..conftest import make_user, session_verified_by
from ..offers.conftest import make_offer
from .harness import MOBILE, assert_no_horizontal_scroll, check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]

LONG_NAME = "Niepubliczny Zakład Opieki Zdrowotnej Przychodnia Specjalistyczna „Zdrowie” sp. z o.o."
OUTSIDE = """
    Array.from(document.querySelectorAll("main tbody td"))
      .filter((cell) => cell.getClientRects().length)
      .filter((cell) => {
        const box = cell.getBoundingClientRect();
        return box.left < 0 || box.right > window.innerWidth + 0.5;
      })
      .map((cell) => cell.dataset.label || cell.textContent.trim().slice(0, 40))
"""
INNER_SCROLL = """
    Array.from(document.querySelectorAll(".table-wrap"))
      .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
      .map((wrap) => wrap.getAttribute("aria-label") || wrap.className)
"""
LABEL = 'getComputedStyle(document.querySelector("main td[data-label]"), "::before").content'


def _sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    """The session of a user who passed the password and the second factor."""
    device = TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    client = session_verified_by(user, device)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def assert_cards(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.evaluate("document.scrollingElement.scrollWidth") <= MOBILE["width"], path
    assert_no_horizontal_scroll(page)
    assert page.evaluate(INNER_SCROLL) == [], path
    assert page.evaluate(OUTSIDE) == [], path
    assert page.evaluate(LABEL) not in ("none", "normal", ""), f"{path} shows no cards"
    check_page(page)


def test_the_agents_tables_are_cards_at_360_px(mobile_page: Page, live_server: LiveServer) -> None:
    agent = make_user("agentka", Role.AGENT)
    for number in range(3):
        offer = make_offer(agent, "POC_T", holder_name=f"{LONG_NAME} {number}")
    services.offer_send_dms(offer=offer, actor=agent)
    services.offer_send_dms(offer=offer, actor=agent, revoke_previous=True)
    _sign_in(mobile_page, live_server, agent)

    assert_cards(mobile_page, "/agent/oferty/")
    first = mobile_page.locator("main tbody tr").first
    for label in ("Numer", "Ubezpieczający", "Składka", "Termin płatności", "Stan"):
        cell = first.locator(f'td[data-label="{label}"]')
        assert cell.is_visible(), label
        assert cell.inner_text().strip(), label

    assert_cards(mobile_page, f"/agent/oferty/{offer.pk}/")
    assert mobile_page.locator('td[data-label="Ważny do"]').count() == 2  # the links
    assert mobile_page.locator('td[data-label="Kto"]').count() >= 3  # the history


def test_the_outbox_is_cards_at_360_px(mobile_page: Page, live_server: LiveServer) -> None:
    agent = make_user("agentka", Role.AGENT)
    offer = make_offer(
        agent, "POC_T", holder_name=LONG_NAME, email=f"{'bardzo-dlugi-adres' * 4}@example.com"
    )
    services.offer_send_dms(offer=offer, actor=agent)
    staff = make_user("obsluga", Role.STAFF, is_staff=True)
    _sign_in(mobile_page, live_server, staff)

    assert_cards(mobile_page, "/powiadomienia/skrzynka/")
    assert mobile_page.locator('td[data-label="Odbiorca"]').first.is_visible()


def test_the_desktop_keeps_the_tables(page: Page, live_server: LiveServer) -> None:
    agent = make_user("agentka", Role.AGENT)
    make_offer(agent)
    _sign_in(page, live_server, agent)
    page.goto("/agent/oferty/")
    assert page.locator("main thead").first.bounding_box()["height"] > 10  # type: ignore[index]
    assert page.evaluate(LABEL) in ("none", "normal")
