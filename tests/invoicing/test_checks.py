from invoicing.checks import seller_data_check


def test_it_accepts_the_demo_seller():
    assert seller_data_check(None) == []


def test_it_refuses_a_seller_nip_or_iban_that_fails_its_checksum(settings):
    settings.INVOICE_SELLER_NIP = "5250001234"
    settings.INVOICE_SELLER_IBAN = "PL61109010140000071219812875"
    assert [error.id for error in seller_data_check(None)] == ["invoicing.E001", "invoicing.E002"]
