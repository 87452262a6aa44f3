from django.urls import path

from . import views

app_name = "subscribers"

urlpatterns = [
    path("logowanie/", views.login, name="login"),
]
