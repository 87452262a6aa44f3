import pytest

from invoicing.checks import seller_data_check
from tests.portal.test_security_headers import run_under_production


def test_it_accepts_the_demo_seller():
    assert seller_data_check(None) == []


def test_it_refuses_a_seller_nip_or_iban_that_fails_its_checksum(settings):
    settings.INVOICE_SELLER_NIP = "5250001234"
    settings.INVOICE_SELLER_IBAN = "PL61109010140000071219812875"
    assert [error.id for error in seller_data_check(None)] == ["invoicing.E001", "invoicing.E002"]


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        # One missing value stands for all four: they are read by the same helper.
        ({"INVOICE_SELLER_NIP": ""}, "INVOICE_SELLER_NIP"),
        ({"KSEF_CLIENT": "fake"}, "KSEF_CLIENT=fake"),
    ],
)
def test_production_refuses_to_start_without_the_seller_or_with_the_fake_ksef(overrides, complaint):
    result = run_under_production("import django; django.setup()", **overrides)
    assert result.returncode != 0
    assert complaint in result.stderr
