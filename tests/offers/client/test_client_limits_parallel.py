"""200 answers sent at once over two processes: at most 5 judged for one offer or one IP."""

import pytest

from offers.evidence import ClientEntryFailure
from tests.parallel_guesses import guess_in_processes

from .conftest import Sent

# The processes read what the test wrote: it must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roles_and_products(reference_data):  # type: ignore[no-untyped-def]
    """Autouse, so that they exist before the users and offers are made."""


def test_it_judges_at_most_five_codes_from_one_ip_for_an_unknown_email():
    judged = guess_in_processes("client-code-unknown-email", "dms.entry_failure")

    assert judged == 5


def test_it_judges_at_most_five_pesels_for_one_offer(new_sent: Sent):
    judged = guess_in_processes(
        "client-pesel", "dms.entry_failure", OFFER_ID=str(new_sent.offer.pk)
    )

    assert judged == 5
    assert ClientEntryFailure.objects.filter(offer=new_sent.offer).count() == 5
