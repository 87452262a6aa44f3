"""Own solutions (level 0): published with files after staff approval."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Solution

from .conftest import PDF_BYTES, level_client

CREATE = reverse("partners:solution-create")


def _submit(client, name="opis.pdf", data=PDF_BYTES):
    return client.post(
        CREATE,
        {
            "title": "Integracja z e-sklepem",
            "description": "Moduł **synchronizacji**",
            "attachments": [SimpleUploadedFile(name, data, content_type="application/pdf")],
        },
    )


def test_it_publishes_a_solution_after_approval(db, django_capture_on_commit_callbacks):
    author, _ = level_client("autor", 0)
    response = _submit(author)
    solution = Solution.objects.get()
    assert response["Location"] == reverse("partners:solution", args=[solution.pk])
    reader, _ = level_client("czytelnik", 2)
    url = reverse("partners:solution", args=[solution.pk])
    assert reader.get(url).status_code == 404
    file_url = reverse("partners:solution-file", args=[solution.pk, solution.files.get().pk])
    assert reader.get(file_url).status_code == 404
    assert "czeka na akceptację" in author.get(url).text

    from accounts.models import User
    from partners import services

    with django_capture_on_commit_callbacks(execute=True):
        services.solution_review(
            solution=solution, approve=True, note="", by=User.objects.get(username="autor")
        )
    assert "<strong>synchronizacji</strong>" in reader.get(url).text
    assert reader.get(file_url).content == PDF_BYTES
    assert mail.outbox[0].to == ["autor@example.com"]


def test_it_checks_the_file_type_by_content(db):
    author, _ = level_client("autor", 0)
    response = _submit(author, name="opis.pdf", data=b"MZ\x90\x00 not a pdf at all")
    assert "Nieobsługiwany rodzaj pliku" in response.text
    assert "Integracja z e-sklepem" in response.text
    assert not Solution.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(db):
    author, _ = level_client("autor", 0)
    response = _submit(author, data=PDF_BYTES + b"0" * (5 * 1024 * 1024))
    assert "Plik jest za duży" in response.text


def test_it_lets_only_level_0_submit(alice, client):
    client.force_login(alice)
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("partners:solutions")).status_code == 200


def test_it_lets_staff_reject_with_a_reason(db, staff_client, django_capture_on_commit_callbacks):
    author, _ = level_client("autor", 0)
    _submit(author)
    solution = Solution.objects.get()
    Solution.objects.filter(pk=solution.pk).update(review_note="Brak opisu instalacji")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:partners_solution_changelist"),
            {"action": "reject", "_selected_action": [solution.pk]},
        )
    solution.refresh_from_db()
    assert solution.state == "rejected"
    assert "Brak opisu instalacji" in mail.outbox[0].body
