"""The device that verified a session is checked on every request, in the user's own query."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import PortalModelBackend
from accounts.middleware import SecondFactorMiddleware
from accounts.otp import recovery_codes_issue
from accounts.roles import Role

from ..conftest import session_verified_by

AGENT_PAGE = "/agent/oferty/"


def _is_login_redirect(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith("/agent/logowanie/")


def test_a_session_verified_by_a_confirmed_device_opens_agent_pages(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    assert session_verified_by(alice, device).get(AGENT_PAGE).status_code == 200


def test_a_session_verified_by_a_recovery_code_opens_agent_pages(alice):
    recovery_codes_issue(alice)
    device = StaticDevice.objects.get(user=alice)
    assert session_verified_by(alice, device).get(AGENT_PAGE).status_code == 200


def test_an_sms_password_is_no_second_factor_for_agents_staff_or_partners(alice, staff):
    # A subscriber's SMS password verifies a session for the subscriber's own pages only,
    # also when the user gained another area's rights after logging in.
    from subscribers.models import SmsDevice

    for user, page, login in ((alice, AGENT_PAGE, "/agent/logowanie/"), (staff, "/admin/", "")):
        device = SmsDevice.objects.create(user=user, msisdn=f"4860100{user.pk:04d}", name="SMS")
        response = session_verified_by(user, device).get(page)
        assert response.status_code == 302, (page, response.status_code)
        assert response["Location"].startswith(login or "/"), response["Location"]
        totp = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        assert session_verified_by(user, totp).get(page).status_code == 200


def test_a_deleted_device_no_longer_verifies_the_session(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = session_verified_by(alice, device)
    device.delete()
    assert _is_login_redirect(client.get(AGENT_PAGE))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_unconfirmed_device_does_not_verify_the_session(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = session_verified_by(alice, device)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert _is_login_redirect(client.get(AGENT_PAGE))


def test_another_users_device_does_not_verify_the_session(alice, bob):
    bobs = TOTPDevice.objects.create(user=bob, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    assert _is_login_redirect(session_verified_by(alice, bobs).get(AGENT_PAGE))


def _through_middleware(user, persistent_id: str | None):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.session = {DEVICE_ID_SESSION_KEY: persistent_id} if persistent_id else {}
    request.user = user
    seen = {}

    def view(request) -> HttpResponse:  # type: ignore[no-untyped-def]
        seen["verified"] = request.user.is_verified()
        seen["device"] = request.user.otp_device
        return HttpResponse()

    SecondFactorMiddleware(view)(request)
    return seen, request.session


def test_it_gives_pages_the_device_itself_when_they_ask(alice, django_assert_num_queries):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    with django_assert_num_queries(1):  # the user, its roles and its devices
        user = PortalModelBackend().get_user(alice.pk)
    with django_assert_num_queries(0):
        seen, _session = _through_middleware(user, device.persistent_id)
        assert seen["verified"] is True
    with django_assert_num_queries(1):
        assert seen["device"].pk == device.pk
        assert seen["device"].name == "phone"


def test_a_user_from_another_backend_is_checked_against_the_database(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    persistent_id = device.persistent_id
    seen, _session = _through_middleware(alice, persistent_id)  # no device ids loaded
    assert seen["verified"] is True
    device.delete()
    seen, session = _through_middleware(alice, persistent_id)
    assert seen["verified"] is False
    assert DEVICE_ID_SESSION_KEY not in session


def test_anonymous_and_unverified_users_are_not_verified(alice):
    assert _through_middleware(AnonymousUser(), None)[0]["verified"] is False
    user = PortalModelBackend().get_user(alice.pk)
    assert _through_middleware(user, None)[0]["verified"] is False


def test_the_backend_refuses_an_id_that_is_not_a_number(alice):
    assert PortalModelBackend().get_user("not-a-number") is None
    assert PortalModelBackend().get_user(alice.pk + 1000) is None
    assert PortalModelBackend().get_user(alice.pk).has_role(Role.AGENT)
