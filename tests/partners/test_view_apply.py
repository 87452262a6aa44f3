"""Applying for a level on the seed's grounds; staff decide in the admin; the company is told."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import LevelApplication, LevelChange, PartnerProfile, Recommendation

from .conftest import PDF_BYTES, PNG_BYTES, level_client, make_company

APPLY = reverse("partners:apply")
THREE = [("R-1", PDF_BYTES), ("R-2", PDF_BYTES), ("R-3", PDF_BYTES)]


def _formset(files=(), prefix="rek"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(max(3, len(files))),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for i, (number, content) in enumerate(files):
        data[f"{prefix}-{i}-registration_number"] = number
        data[f"{prefix}-{i}-customer_name"] = f"Użytkownik {number}"
        data[f"{prefix}-{i}-file"] = SimpleUploadedFile(f"rek{i}.pdf", content)
    return data


def _apply(client, level, ground, files=(), **extra):
    return client.post(APPLY, {"level": level, "ground": ground, **_formset(files), **extra})


def _decide(staff_client, application, decision, reason=""):
    return staff_client.post(
        reverse("admin:partners_levelapplication_change", args=[application.pk]),
        {
            "decision": decision,
            "reason": reason,
            "recommendations-TOTAL_FORMS": str(application.recommendations.count()),
            "recommendations-INITIAL_FORMS": str(application.recommendations.count()),
            "recommendations-MIN_NUM_FORMS": "0",
            "recommendations-MAX_NUM_FORMS": "1000",
            **{
                f"recommendations-{i}-id": str(r.pk)
                for i, r in enumerate(application.recommendations.all())
            },
            **{
                f"recommendations-{i}-application": str(application.pk)
                for i, r in enumerate(application.recommendations.all())
            },
        },
    )


def test_it_accepts_a_listed_distributor_and_raises_its_level(
    db, staff_client, staff, django_capture_on_commit_callbacks
):
    client, user = level_client("dyst", 2, on_distributor_list=True)
    assert _apply(client, 3, "distributor_list").status_code == 302
    application = LevelApplication.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(staff_client, application, "approve", "Dystrybutor z listy")
    profile = PartnerProfile.objects.get(organisation=user.organisations.get())
    assert profile.level_id == 3 and profile.ground == "distributor_list"
    change = LevelChange.objects.get()
    assert (change.from_level_id, change.to_level_id, change.changed_by) == (2, 3, staff)
    assert len(mail.outbox) == 1 and "przyjęty" in mail.outbox[0].body


def test_it_refuses_the_distributor_ground_to_a_company_off_the_list(alice, client):
    client.force_login(alice)
    response = _apply(client, 3, "distributor_list", note="Prosimy o poziom")
    assert "Firmy nie ma na liście dystrybutorów." in response.text
    assert "Prosimy o poziom" in response.text
    assert not LevelApplication.objects.exists()


def test_it_takes_three_recommendations_checked_by_content(alice, client):
    client.force_login(alice)
    files = [("R-1", PDF_BYTES), ("R-2", PNG_BYTES), ("R-3", PDF_BYTES)]
    assert _apply(client, 3, "serviced_users", files).status_code == 302
    assert Recommendation.objects.count() == 3
    assert set(Recommendation.objects.values_list("file__content_type", flat=True)) == {
        "application/pdf",
        "image/png",
    }


def test_it_refuses_fewer_than_three_recommendations(alice, client):
    client.force_login(alice)
    response = _apply(client, 3, "serviced_users", [("R-1", PDF_BYTES), ("R-2", PDF_BYTES)])
    assert "co najmniej 3" in response.text
    assert not LevelApplication.objects.exists()


def test_it_refuses_a_recommendation_that_is_not_a_pdf_or_image(alice, client):
    client.force_login(alice)
    files = [("R-1", PDF_BYTES), ("R-2", b"MZ\x90\x00fake.pdf"), ("R-3", PDF_BYTES)]
    response = _apply(client, 3, "serviced_users", files)
    assert "Nieobsługiwany rodzaj pliku" in response.text
    assert not LevelApplication.objects.exists()


def test_it_has_the_named_distributor_confirm_from_its_own_account(
    db, staff_client, django_capture_on_commit_callbacks
):
    distributor = make_company("Hurt Soft", level=5, on_distributor_list=True, nip="9512370578")
    from .conftest import add_member, login_client, make_user

    dist_user = add_member(make_user("hurt", "partner"), distributor)
    dist_client = login_client(dist_user)
    other_dist, _ = level_client("inny", 2, on_distributor_list=True)
    client, _ = level_client("mala", 1)
    response = _apply(client, 2, "distributor_recommendation", distributor_nip="951-237-05-78")
    assert response.status_code == 302
    application = LevelApplication.objects.get()
    assert application.distributor == distributor
    _decide(staff_client, application, "approve")
    application.refresh_from_db()
    assert application.state == "pending"  # not confirmed yet: staff cannot accept
    confirm = reverse("partners:recommendation-confirm", args=[application.pk])
    assert other_dist.post(confirm).status_code == 404
    assert "mala" not in other_dist.get(reverse("partners:recommendations")).text.lower()
    assert "Firma mala" in dist_client.get(reverse("partners:recommendations")).text
    assert dist_client.post(confirm).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _decide(staff_client, application, "approve")
    application.refresh_from_db()
    assert application.state == "approved"


def test_it_tells_the_company_why_it_was_refused(
    alice, client, staff_client, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    _apply(client, 3, "serviced_users", THREE)
    application = LevelApplication.objects.get()
    _decide(staff_client, application, "refuse", "")
    application.refresh_from_db()
    assert application.state == "pending"  # a refusal needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        _decide(staff_client, application, "refuse", "Rekomendacje nieczytelne")
    application.refresh_from_db()
    assert application.state == "refused"
    assert "Rekomendacje nieczytelne" in mail.outbox[-1].body


def test_it_lets_level_0_be_asked_for_without_grounds(db):
    client, _ = level_client("autor", 1)
    assert _apply(client, 0, "none").status_code == 302
    client2, _ = level_client("wyzej", 1)
    assert "wymaga spełnienia jednego z warunków" in _apply(client2, 2, "none").text


def test_it_shows_a_company_only_its_own_applications(alice, charlie, client):
    client.force_login(alice)
    _apply(client, 3, "serviced_users", THREE, note="Tajna uwaga")
    client.force_login(charlie)
    page = client.get(APPLY).text
    assert "Wnioski firmy" not in page
    application = LevelApplication.objects.get()
    confirm = reverse("partners:recommendation-confirm", args=[application.pk])
    assert client.post(confirm).status_code == 404


def test_it_hides_uploaded_files_from_partners(alice, client):
    client.force_login(alice)
    _apply(client, 3, "serviced_users", THREE)
    stored = Recommendation.objects.first().file
    response = client.get(reverse("partners:staff-file", args=[stored.pk]))
    assert response.status_code == 302  # to the admin login


def test_it_accepts_one_pending_application_at_a_time(alice, client):
    client.force_login(alice)
    _apply(client, 3, "serviced_users", THREE)
    response = _apply(client, 3, "serviced_users", THREE)
    assert "czekający na decyzję" in response.text


def test_it_refuses_two_recommendations_of_one_user(alice, client):
    client.force_login(alice)
    response = _apply(client, 3, "serviced_users", [("R-1", PDF_BYTES)] * 3)
    assert "innego zarejestrowanego użytkownika" in response.text
