import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_it_reports_database_and_redis_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_down(client, monkeypatch):
    from portal import views

    def refuse():  # type: ignore[no-untyped-def]
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_it_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_the_benchmark_views_exist_only_under_benchmark_settings(client):
    assert client.get("/bench/reference").status_code == 404
    assert client.get("/bench/bare-list").status_code == 404
