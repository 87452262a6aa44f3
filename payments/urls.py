from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("webhook/<slug:provider>/", views.webhook, name="webhook"),
    path("sandbox/<slug:checkout_id>/", views.sandbox, name="sandbox"),
    path("<uuid:public_id>/", views.wait, name="wait"),
    path("<uuid:public_id>/status/", views.status, name="status"),
    path("<uuid:public_id>/rezygnacja/", views.cancel, name="cancel"),
]
