from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logowanie/", views.login, name="login"),
    path("wyloguj/", views.logout, name="logout"),
]
