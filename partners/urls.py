from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from accounts.roles import Role

from . import views

app_name = "partners"

# The two-factor steps of the partner's login, for companies whose level needs it.
_otp = {
    "namespace": "partners",
    "role": Role.PARTNER,
    "success_url": "partners:home",
    "heading": _("Logowanie partnera"),
}

urlpatterns = [
    path("logowanie/", views.login, name="login"),
    path("logowanie/kod/", accounts_views.otp_verify, _otp, name="login-otp"),
    path("logowanie/konfiguracja/", accounts_views.otp_setup, _otp, name="login-setup"),
    path("logowanie/kody-zapasowe/", accounts_views.otp_recovery_codes, _otp, name="login-codes"),
    path("", views.home, name="home"),
    path("obsluga/firma/<int:pk>/jako-poziom/", views.view_as, name="view-as"),
    path("materialy-techniczne/", views.technical_materials, name="technical-materials"),
    path("materialy-serwisowe/", views.service_materials, name="service-materials"),
    path("dla-serwisantow/", views.technician_materials, name="technician-materials"),
    path("dokumenty/<int:pk>/pobierz/", views.document_download, name="document"),
    path("sekcja-pi/", views.pi_section, name="pi"),
    path("sekcja-api/", views.api_section, name="api"),
    path("strony/<int:pk>/", views.section_page, name="section-page"),
    path("ulepszenia/", views.upgrades, name="upgrades"),
    path("ulepszenia/<int:pk>/pobierz/", views.upgrade_download, name="upgrade-download"),
    path("pomoc-techniczna/", views.support_lines, name="support-lines"),
    path(
        "forum/dystrybutorzy/",
        views.forum_index,
        {"slug": "dystrybutorzy"},
        name="distributor-forum",
    ),
    path("sekcja-api/forum/", views.forum_index, {"slug": "api"}, name="api-forum"),
    path("forum/watek/<int:pk>/", views.topic_detail, name="topic"),
    path("bledy-i-sugestie/", views.bug_list, name="bugs"),
    path("bledy-i-sugestie/<int:pk>/", views.bug_detail, name="bug"),
    path("bledy-i-sugestie/<int:pk>/glos/", views.bug_vote, name="bug-vote"),
    path("rejestracja-sprzedazy/", views.registrations, name="registrations"),
    path("rejestracja-sprzedazy/eksport.csv", views.registrations_csv, name="registrations-csv"),
    path("rozwiazania/", views.solutions, name="solutions"),
    path("rozwiazania/nowe/", views.solution_create, name="solution-create"),
    path("rozwiazania/<int:pk>/", views.solution_detail, name="solution"),
    path("rozwiazania/<int:pk>/pliki/<int:file_pk>/", views.solution_file, name="solution-file"),
    path("zapytania/", views.cases, name="cases"),
    path("zapytania/<int:pk>/", views.case_detail, name="case"),
    path("wniosek/", views.apply, name="apply"),
    path("rekomendacje/", views.recommendations, name="recommendations"),
    path(
        "rekomendacje/<int:pk>/potwierdz/",
        views.recommendation_confirm,
        name="recommendation-confirm",
    ),
    path("obsluga/plik/<int:pk>/", views.staff_file, name="staff-file"),
    path("sklep/", views.shop, name="shop"),
    path("sklep/koszyk/", views.cart_add, name="cart-add"),
    path("sklep/koszyk/<int:pk>/usun/", views.cart_remove, name="cart-remove"),
    path("sklep/zamow/", views.order_place, name="order-place"),
    path("sklep/zamowienia/<int:pk>/", views.order_detail, name="order"),
    path(
        "sklep/zamowienia/<int:pk>/faktura.<slug:kind>",
        views.order_invoice,
        name="order-invoice",
    ),
]
