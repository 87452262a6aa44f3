"""The home page's cached parts change at once when what they show changes."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Document, Right

from .conftest import PDF_BYTES, login_client, make_document

HOME = reverse("partners:home")


def test_it_shows_a_level_change_from_the_admin_at_once(
    staff_client, alice, firm_a, django_capture_on_commit_callbacks
):
    client = login_client(alice)
    before = client.get(HOME).text  # fills the cached standing and rights
    assert "Poziom 2 – " in before and "Ostatnia zmiana poziomu" not in before
    profile = firm_a.partner_profile
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:partners_partnerprofile_change", args=[profile.pk]),
            {
                "organisation": profile.organisation_id,
                "level": 4,
                "ground": profile.ground,
                "technician_until": "",
                "change_reason": "Szkolenie zaliczone",
                "changes-TOTAL_FORMS": "0",
                "changes-INITIAL_FORMS": "0",
                "changes-MIN_NUM_FORMS": "0",
                "changes-MAX_NUM_FORMS": "1000",
            },
        )
    assert response.status_code == 302
    after = client.get(HOME).text
    assert "Poziom 4 – " in after
    assert "z poziomu 2 na 4. Powód: Szkolenie zaliczone" in after
    held = after.split("Twoje uprawnienia")[1].split("</ul>")[0]
    assert "Instrukcje i materiały dla serwisantów" in held


def test_it_shows_a_document_staff_add_at_once(
    staff_client, alice, client, django_capture_on_commit_callbacks
):
    make_document("technical_materials", "Stara instrukcja")
    client.force_login(alice)
    assert "Stara instrukcja" in client.get(HOME).text  # cached from here on
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:partners_document_add"),
            {
                "right": Right.objects.get(code="technical_materials").pk,
                "title": "Świeża instrukcja",
                "description": "",
                "upload": SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf"),
            },
        )
    assert response.status_code == 302
    assert "Świeża instrukcja" in client.get(HOME).text
    document = Document.objects.get(title="Świeża instrukcja")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:partners_document_delete", args=[document.pk]), {"post": "yes"}
        )
    assert "Świeża instrukcja" not in client.get(HOME).text


def test_it_shows_a_right_staff_rename_at_once(
    staff_client, alice, client, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    right = Right.objects.get(code="technical_materials")
    assert right.name in client.get(HOME).text
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:partners_right_change", args=[right.pk]),
            {
                "code": right.code,
                "name": "Materiały techniczne (nowa nazwa)",
                "description": right.description,
                "url_name": right.url_name,
                "condition": right.condition,
                "position": right.position,
            },
        )
    assert response.status_code == 302
    held = client.get(HOME).text.split("Twoje uprawnienia")[1].split("</ul>")[0]
    assert "Materiały techniczne (nowa nazwa)" in held


def test_it_shows_a_new_post_on_a_cached_topic_page_at_once(alice, bob, client):
    from partners import services
    from partners.models import Forum

    forum = Forum.objects.get(slug="dystrybutorzy")
    topic = services.topic_create(
        forum=forum, author=alice, company=alice.organisations.get(), title="Wątek", body="Pierwszy"
    )
    client.force_login(alice)
    url = reverse("partners:topic", args=[topic.pk])
    assert "Pierwszy" in client.get(url).text  # the page of posts is cached from here on
    services.post_create(topic=topic, author=bob, company=bob.organisations.get(), body="Drugi")
    assert "Drugi" in client.get(url).text
