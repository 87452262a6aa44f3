import time

from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.sms.models import ImportBatch, InsuredPerson, Policy, Vehicle

HEADER = (
    "imie;nazwisko;telefon;email;data_urodzenia;zgoda_marketingowa;numer_polisy;"
    "ubezpieczyciel;koniec_polisy;skladka;rejestracja;data_badania\n"
)


def _upload(client, text: str, name: str = "baza.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/sms/ubezpieczeni/import/",
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
    )


def test_it_lists_bad_rows_and_imports_nothing_until_confirmed(alice_client, agency) -> None:
    text = HEADER + (
        "Łukasz;Wójcik;600 100 200;;1980-05-01;tak;POL/1;Warta;2027-01-31;812,40;"
        "WPI 1234;15.03.2027\n"
        "Jan;Bez;12;;;;;;;;;\n"
        ";Brakimienia;600100201;;;;;;;;;\n"
        "Anna;Data;600100202;;32.13.2000;;;;;;;\n"
        "Ewa;Duplikat;600100203;;;nie;POL/1;Warta;2027-01-31;;;\n"
    )
    response = _upload(alice_client, text)
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/sms/ubezpieczeni/import/{batch.pk}/"
    page = alice_client.get(response["Location"]).content.decode()
    assert "nieprawidłowy numer telefonu" in page
    assert "brak wartości w kolumnie „imie”" in page
    assert "nieprawidłowa data w kolumnie „data_urodzenia”" in page
    assert "polisa POL/1 jest już w bazie lub powtarza się w pliku" in page
    assert [e["line"] for e in batch.errors] == [3, 4, 5, 6]
    assert not InsuredPerson.objects.exists()
    alice_client.post(response["Location"])
    person = InsuredPerson.objects.get()
    assert person.phone == "+48600100200" and person.marketing_consent
    assert person.consent_source == "import"
    assert str(Policy.objects.get().premium) == "812.40"
    assert Vehicle.objects.get().registration == "WPI 1234"
    alice_client.post(response["Location"])  # a second confirmation imports nothing more
    assert InsuredPerson.objects.count() == 1


def test_another_agencys_import_answers_404(charlie_client, alice_client, agency) -> None:
    _upload(alice_client, HEADER + "Jan;Nowak;600100200;;;;;;;;;\n")
    batch = ImportBatch.objects.get()
    assert charlie_client.get(f"/sms/ubezpieczeni/import/{batch.pk}/").status_code == 404
    assert charlie_client.post(f"/sms/ubezpieczeni/import/{batch.pk}/").status_code == 404
    assert not InsuredPerson.objects.exists()


def test_ten_thousand_rows_import_in_one_go(alice_client, agency) -> None:
    rows = "".join(
        f"Jan{i};Nowak;+48 6{i:08d};;;tak;P/{i};PZU;2027-01-31;500;KR{i};2027-02-01\n"
        for i in range(10_000)
    )
    started = time.monotonic()
    response = _upload(alice_client, HEADER + rows)
    alice_client.post(response["Location"])
    elapsed = time.monotonic() - started
    assert InsuredPerson.objects.filter(agency=agency).count() == 10_000
    assert Policy.objects.count() == Vehicle.objects.count() == 10_000
    assert elapsed < 30
