"""Document libraries, sections, upgrades and support numbers: each behind its right."""

from datetime import date

from django.urls import reverse

from partners.models import SectionPage, StoredFile, Upgrade

from .conftest import PDF_BYTES, level_client, make_document, set_level


def test_it_lists_and_serves_technical_materials(alice, client):
    document = make_document("technical_materials", "Konfiguracja serwera")
    client.force_login(alice)
    page = client.get(reverse("partners:technical-materials")).text
    assert "Konfiguracja serwera" in page
    response = client.get(reverse("partners:document", args=[document.pk]))
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_it_keeps_level_0_out_of_service_materials(db):
    client, _ = level_client("zenon", 0)
    assert client.get(reverse("partners:technical-materials")).status_code == 200
    response = client.get(reverse("partners:service-materials"))
    assert response.status_code == 403
    assert "Ogólne materiały serwisanckie" in response.text
    assert "Daje je poziom: 1, 2, 3, 4, 5" in response.text


def test_it_checks_the_right_on_every_download(alice, firm_a, client):
    document = make_document("technician_materials", "Serwis baz danych")
    client.force_login(alice)
    assert client.get(reverse("partners:document", args=[document.pk])).status_code == 403
    set_level(firm_a, 4)
    tech, _ = level_client("tomek", 4, technician_until=date(2099, 1, 1))
    assert tech.get(reverse("partners:document", args=[document.pk])).status_code == 200


def test_it_refuses_a_download_once_the_right_is_gone(db):
    document = make_document("pi_section", "Cennik PI")
    client, user = level_client("pola", 3)
    url = reverse("partners:document", args=[document.pk])
    assert client.get(url).status_code == 200
    set_level(user.organisations.get(), 4)
    assert client.get(url).status_code == 403


def test_it_answers_404_for_a_document_that_does_not_exist(alice, client):
    client.force_login(alice)
    assert client.get(reverse("partners:document", args=[999999])).status_code == 404


def test_it_shows_the_403_page_naming_level_3_for_the_pi_section(alice, client):
    client.force_login(alice)
    response = client.get(reverse("partners:pi"))
    assert response.status_code == 403
    assert "Specjalna sekcja dla PI" in response.text
    assert "poziom 3 – Partner" in response.text
    assert "złóż wniosek" in response.text


def test_it_opens_the_pi_section_to_level_3_only(db):
    SectionPage.objects.create(
        right_id=_right("pi_section"), slug="cennik", title="Cennik dla PI", body="**Rabat** 20%"
    )
    three, _ = level_client("trzy", 3)
    four, _ = level_client("cztery", 4, technician_until=date(2099, 1, 1))
    assert "Cennik dla PI" in three.get(reverse("partners:pi")).text
    assert four.get(reverse("partners:pi")).status_code == 403


def _right(code: str) -> int:
    from partners.models import Right

    return Right.objects.get(code=code).pk


def test_it_renders_api_documentation_pages_sanitised(db):
    page = SectionPage.objects.create(
        right_id=_right("api_section"),
        slug="start",
        title="Pierwsze kroki z API",
        body="# Token\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )
    five, _ = level_client("piec", 5)
    html = five.get(reverse("partners:section-page", args=[page.pk])).text
    assert "<h1>Token</h1>" in html
    assert "<script>alert" not in html and 'href="javascript' not in html
    four, _ = level_client("cztery", 4, technician_until=date(2099, 1, 1))
    assert four.get(reverse("partners:section-page", args=[page.pk])).status_code == 403


def test_it_lists_upgrades_with_release_notes_and_serves_the_file(alice, client, program):
    stored = StoredFile.objects.create(
        name="rachmistrz-2.1.zip", content_type="application/zip", size=3, data=b"PK\x03"
    )
    upgrade = Upgrade.objects.create(
        program=program,
        version="2.1",
        release_notes="- nowy JPK",
        file=stored,
        released_on=date(2026, 11, 2),
    )
    client.force_login(alice)
    page = client.get(reverse("partners:upgrades")).text
    assert "Rachmistrz 2.1" in page and "<li>nowy JPK</li>" in page
    response = client.get(reverse("partners:upgrade-download", args=[upgrade.pk]))
    assert response.content == b"PK\x03"
    one, _ = level_client("jeden", 1)
    assert one.get(reverse("partners:upgrade-download", args=[upgrade.pk])).status_code == 403


def test_it_shows_only_the_support_numbers_the_company_holds(db):
    one, _ = level_client("jeden", 1)
    two, _ = level_client("dwa", 2)
    four, _ = level_client("cztery", 4, technician_until=date(2099, 1, 1))
    zero, _ = level_client("zero", 0)
    url = reverse("partners:support-lines")
    page_1 = one.get(url).text
    assert "22 100 20 30" in page_1 and "600 100 200" not in page_1
    assert "600 100 200" in two.get(url).text and "22 100 20 40" not in two.get(url).text
    assert "22 100 20 40" in four.get(url).text
    assert zero.get(url).status_code == 403


def test_it_shows_only_what_the_company_has_in_navigation(alice, client):
    client.force_login(alice)
    nav = client.get(reverse("partners:home")).text.split("</nav>")[0]
    assert "Baza Błędów i Sugestii" in nav
    assert "Forum dla dystrybutorów" in nav
    assert "Specjalna sekcja dla PI" not in nav
    assert "Wpisywanie rozwiązań autorskich" not in nav


def test_it_pages_a_library_in_constant_queries(alice, client, django_assert_max_num_queries):
    for i in range(45):
        make_document("technical_materials", f"Dokument {i}")
    client.force_login(alice)
    client.get(reverse("partners:technical-materials"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("partners:technical-materials"), {"strona": 3}).text
    assert "Strona 3 z 3" in page


def test_it_refuses_post_on_a_library(alice, client):
    client.force_login(alice)
    assert client.post(reverse("partners:technical-materials")).status_code == 405


def test_it_lets_staff_upload_a_document_typed_by_its_content(staff_client, alice, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partners.models import Document, Right

    upload = SimpleUploadedFile("strona.html", PDF_BYTES, content_type="text/html")
    response = staff_client.post(
        reverse("admin:partners_document_add"),
        {
            "right": Right.objects.get(code="technical_materials").pk,
            "title": "Nowa instrukcja",
            "description": "",
            "upload": upload,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Nowa instrukcja")
    assert document.file.content_type == "application/pdf"
    client.force_login(alice)
    served = client.get(reverse("partners:document", args=[document.pk]))
    assert served["Content-Type"] == "application/pdf" and served.content == PDF_BYTES
