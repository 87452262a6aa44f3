from django.urls import path

from . import views

app_name = "subscribers"

urlpatterns = [
    path("logowanie/", views.login, name="login"),
    path("logowanie/haslo/", views.login_password, name="login-password"),
    path("wyloguj/", views.logout, name="logout"),
    path("kod/", views.code, name="code"),
    path("kod-abonencki/", views.code_help, name="code-help"),
    path("numer/<int:pk>/", views.switch_number, name="switch"),
    path("", views.home, name="home"),
    path("dane/", views.data, name="data"),
    path("dane/adres/", views.address_change, name="address"),
    path("platnosci/", views.payments, name="payments"),
    path("platnosci/faktury/<int:pk>/", views.invoice_detail, name="invoice"),
    path("platnosci/faktury/<int:pk>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("platnosci/faktury/<int:pk>/zaplac/", views.invoice_pay, name="invoice-pay"),
    path("platnosci/forma/", views.payment_form_change, name="payment-form"),
    path("platnosci/forma/<int:pk>/", views.payment_form_sent, name="payment-form-sent"),
    path("platnosci/forma/<int:pk>/pdf/", views.payment_form_pdf, name="payment-form-pdf"),
    path("taryfa/", views.tariff, name="tariff"),
    path("taryfa/<slug:code>/", views.tariff_change, name="tariff-change"),
    path("uslugi/", views.service_list, name="services"),
    path("uslugi/<slug:slug>/", views.service_detail, name="service"),
    path("uslugi/<slug:slug>/wlacz/", views.service_activate, name="service-activate"),
    path("uslugi/<slug:slug>/wylacz/", views.service_deactivate, name="service-deactivate"),
    path("uslugi/<slug:slug>/numery/", views.service_numbers, name="service-numbers"),
    path("bok/", views.case_list, name="cases"),
    path("bok/nowe/", views.case_new, name="case-new"),
    path("bok/<int:pk>/", views.case_detail, name="case"),
    path("bok/<int:pk>/ponownie/", views.case_resend, name="case-resend"),
    path("bok/<int:pk>/potwierdzenie/", views.case_receipt, name="case-receipt"),
    path("bok/<int:pk>/list/<int:letter_pk>/", views.case_letter, name="case-letter"),
    path("profit/", views.profit, name="profit"),
    path("profit/dolacz/", views.profit_join, name="profit-join"),
]
