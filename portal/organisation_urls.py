from django.urls import path

from . import organisation_views as views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<int:pk>/", views.organisation_members, name="members"),
    path("<int:pk>/zapros/", views.organisation_invite, name="invite"),
    path(
        "<int:pk>/zaproszenia/<int:invitation_pk>/uniewaznij/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "<int:pk>/czlonkowie/<int:membership_pk>/usun/",
        views.membership_remove,
        name="remove",
    ),
    path("zaproszenie/<str:token>/", views.invitation_accept, name="accept"),
]
