import pytest
from django.test import RequestFactory

from accounts.network import client_ip


def make_request(remote: str, forwarded: str = ""):  # type: ignore[no-untyped-def]
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(make_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_behind_one_proxy_the_last_forwarded_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real address.
    request = make_request("10.0.0.2", "1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_it_counts_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = make_request("10.0.0.3", "1.2.3.4, 203.0.113.9, 10.0.0.2")
    assert client_ip(request) == "203.0.113.9"


def test_a_request_that_bypassed_the_proxy_uses_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(make_request("203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("1.1.1.1, not-an-ip", "unknown"), ("1.1.1.1, 1.2.3.4<script>", "unknown"), ("", "10.0.0.2")],
)
def test_garbage_never_passes_for_an_address(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(make_request("10.0.0.2", forwarded)) == expected
