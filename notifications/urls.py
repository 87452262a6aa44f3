from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("skrzynka/", views.outbox, name="outbox"),
    path("skrzynka/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("skrzynka/<int:pk>/ponow/", views.outbox_retry, name="outbox-retry"),
    path(
        "skrzynka/<int:pk>/zalacznik/<int:attachment_pk>/",
        views.outbox_attachment,
        name="outbox-attachment",
    ),
]
