"""200 guesses sent at once over two processes: at most 5 are judged for one account."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.conftest import make_user
from tests.parallel_guesses import guess_in_processes

# The processes read what the test wrote: it must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent(reference_data) -> User:  # type: ignore[no-untyped-def]
    return make_user("agentka")


def test_it_judges_at_most_five_passwords_for_one_account(agent):
    judged = guess_in_processes("password", "login.failure", USERNAME=agent.username)

    assert judged == 5


def _codes_wrong_now(device: TOTPDevice, count: int) -> str:
    import time

    right = set()
    for steps in range(-3, 4):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + steps * device.step
        right.add(f"{totp.token():06d}")
    codes = [f"{n:06d}" for n in range(100_000, 100_000 + count + len(right))]
    return ",".join([c for c in codes if c not in right][:count])


def test_it_judges_at_most_five_one_time_codes_for_one_account(agent):
    device = TOTPDevice.objects.create(user=agent, name="app", confirmed=True)

    judged = guess_in_processes(
        "totp", "otp.failure", USER_ID=str(agent.pk), CODES=_codes_wrong_now(device, 200)
    )

    assert judged == 5
