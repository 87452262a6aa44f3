from django.urls import path

from . import views

app_name = "offers"

urlpatterns = [
    path("agent/logowanie/", views.agent_login, name="login"),
    path("oferta/", views.client_access, name="client-access"),
]
