from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.sms import csv_import
from notifications.sms.models import Agency, ImportBatch, InsuredPerson, Policy, Vehicle

HEADER = (
    "imie;nazwisko;telefon;email;data_urodzenia;zgoda_marketingowa;numer_polisy;"
    "ubezpieczyciel;koniec_polisy;skladka;rejestracja;data_badania\n"
)


def _upload(client, text: str, name: str = "baza.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/sms/ubezpieczeni/import/",
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
    )


def _rows(count: int) -> str:
    return "".join(
        f"Jan{i};Nowak;+48 6{i:08d};;;tak;P/{i};PZU;2027-01-31;500;KR{i};2027-02-01\n"
        for i in range(count)
    )


def test_it_lists_bad_rows_and_imports_nothing_until_confirmed(
    alice_client, agency, django_capture_on_commit_callbacks
) -> None:
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
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = alice_client.post(response["Location"])
    assert confirmed["Location"] == response["Location"]
    person = InsuredPerson.objects.get()
    assert person.phone == "+48600100200" and person.marketing_consent
    assert person.consent_source == "import"
    assert str(Policy.objects.get().premium) == "812.40"
    assert Vehicle.objects.get().registration == "WPI 1234"
    with django_capture_on_commit_callbacks(execute=True):
        again = alice_client.post(response["Location"], follow=True)
    assert "Ten plik został już zaimportowany." in again.content.decode()
    assert InsuredPerson.objects.count() == 1


def test_another_agencys_import_answers_404(charlie_client, alice_client, agency) -> None:
    _upload(alice_client, HEADER + "Jan;Nowak;600100200;;;;;;;;;\n")
    batch = ImportBatch.objects.get()
    assert charlie_client.get(f"/sms/ubezpieczeni/import/{batch.pk}/").status_code == 404
    assert charlie_client.post(f"/sms/ubezpieczeni/import/{batch.pk}/").status_code == 404
    assert not InsuredPerson.objects.exists()


def test_ten_thousand_rows_import_in_one_go_with_a_progress_bar(
    alice_client, agency, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    response = _upload(alice_client, HEADER + _rows(10_000))
    batch = ImportBatch.objects.get()
    status_url = f"/sms/ubezpieczeni/import/{batch.pk}/stan/"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Importuj 10000 poprawnych wierszy" in page
    # What the status endpoint answers each time the worker reports a chunk written.
    seen: list[dict[str, object]] = []
    report = csv_import._report_progress

    def report_and_poll(batch_id: int, done: int) -> None:
        report(batch_id, done)
        seen.append(alice_client.get(status_url).json())

    monkeypatch.setattr(csv_import, "_report_progress", report_and_poll)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(response["Location"])
    assert [s["done"] for s in seen] == [0, *range(1000, 10_001, 1000)]
    assert {(s["state"], s["total"], s["finished"]) for s in seen} == {("running", 10_000, False)}
    assert InsuredPerson.objects.filter(agency=agency).count() == 10_000
    assert Policy.objects.count() == Vehicle.objects.count() == 10_000
    assert alice_client.get(status_url).json() == {
        "state": "done",
        "done": 10_000,
        "total": 10_000,
        "imported": 10_000,
        "finished": True,
        "failure": "",
    }
    assert "Zaimportowano 10000 osób." in alice_client.get(response["Location"]).content.decode()


def test_the_page_shows_a_bar_and_refreshes_itself_while_the_import_runs(
    alice_client, agency
) -> None:
    response = _upload(alice_client, HEADER + _rows(3))
    alice_client.post(response["Location"])  # queued: its task waits for the commit
    batch = ImportBatch.objects.get()
    assert batch.state == "queued"
    page = alice_client.get(response["Location"]).content.decode()
    assert '<progress id="import-bar" max="3" value="0">' in page
    assert f'data-url="/sms/ubezpieczeni/import/{batch.pk}/stan/"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "Importuj" not in page
    assert alice_client.get(f"/sms/ubezpieczeni/import/{batch.pk}/stan/").json()["state"] == (
        "queued"
    )


def test_the_service_reports_progress_chunk_by_chunk(agency, monkeypatch) -> None:
    batch = _batch(agency, 7)
    csv_import.import_start(batch=batch)
    reported: list[tuple[int, int]] = []
    monkeypatch.setattr(csv_import, "_report_progress", lambda *a: reported.append(a))
    done = csv_import.import_run(batch_id=batch.pk, chunk=3)
    assert reported == [(batch.pk, 0), (batch.pk, 3), (batch.pk, 6), (batch.pk, 7)]
    assert done is not None and (done.state, done.imported) == ("done", 7)
    assert csv_import.import_run(batch_id=batch.pk) is None  # a second run does nothing
    assert InsuredPerson.objects.count() == 7


def test_a_running_import_reads_its_progress_from_redis(agency) -> None:
    batch = _batch(agency, 5)
    csv_import.import_start(batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(state="running")
    csv_import._report_progress(batch.pk, 4)
    batch.refresh_from_db()
    progress = csv_import.import_progress(batch)
    assert (progress.state, progress.done, progress.total, progress.finished) == (
        "running",
        4,
        5,
        False,
    )


def test_a_failed_import_leaves_the_base_as_it_was_and_says_why(
    alice_client, agency, django_capture_on_commit_callbacks
) -> None:
    response = _upload(alice_client, HEADER + _rows(2500))
    # A policy of the file's last chunk is added by hand after the preview.
    person = InsuredPerson.objects.create(
        agency=agency, first_name="A", last_name="B", phone="+48600100999"
    )
    Policy.objects.create(agency=agency, person=person, number="P/2400", end_date="2027-01-31")
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(response["Location"])
    batch = ImportBatch.objects.get()
    assert batch.state == "failed" and batch.imported == 0
    assert InsuredPerson.objects.count() == 1
    status = alice_client.get(f"/sms/ubezpieczeni/import/{batch.pk}/stan/").json()
    assert status["finished"] and status["state"] == "failed"
    assert "numerów polis jest już w bazie" in status["failure"]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Import nie powiódł się" in page and "Nic nie zostało zapisane." in page
    assert "Spróbuj ponownie" in page


def test_a_batch_without_good_rows_cannot_be_started(alice_client, agency) -> None:
    response = _upload(alice_client, HEADER + "Jan;Bez;12;;;;;;;;;\n")
    page = alice_client.post(response["Location"], follow=True).content.decode()
    assert "nie ma poprawnych wierszy" in page
    assert ImportBatch.objects.get().state == "preview"


def test_another_agencys_import_status_answers_404(charlie_client, agency) -> None:
    batch = _batch(agency, 1)
    assert charlie_client.get(f"/sms/ubezpieczeni/import/{batch.pk}/stan/").status_code == 404


def test_the_status_endpoint_only_answers_get(alice_client, agency) -> None:
    batch = _batch(agency, 1)
    assert alice_client.post(f"/sms/ubezpieczeni/import/{batch.pk}/stan/").status_code == 405


def _batch(agency: Agency, count: int) -> ImportBatch:
    upload = SimpleUploadedFile("baza.csv", (HEADER + _rows(count)).encode())
    return csv_import.import_preview(agency=agency, upload=upload)
