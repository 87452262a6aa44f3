from django.urls import path

from . import views

app_name = "sms"

urlpatterns = [
    path("rejestracja/", views.register, name="register"),
    path("rejestracja/wyslano/", views.registered, name="registered"),
    path("aktywacja/<str:token>/", views.activate, name="activate"),
    path("logowanie/", views.login, name="login"),
    path("", views.home, name="home"),
    path("konfiguracja/", views.configuration, name="configuration"),
    path("wzory/", views.template_list, name="templates"),
    path("wzory/nowy/", views.template_edit, name="template-create"),
    path("wzory/<int:pk>/", views.template_edit, name="template-edit"),
    path("wzory/<int:pk>/usun/", views.template_delete, name="template-delete"),
    path("wzory/<int:pk>/podglad/", views.template_preview, name="template-preview"),
    path("ubezpieczeni/", views.person_list, name="persons"),
    path("ubezpieczeni/nowy/", views.person_edit, name="person-create"),
    path("ubezpieczeni/<int:pk>/", views.person_edit, name="person-edit"),
    path("ubezpieczeni/<int:pk>/polisa/", views.person_add_policy, name="person-policy"),
    path("ubezpieczeni/<int:pk>/pojazd/", views.person_add_vehicle, name="person-vehicle"),
    path("ubezpieczeni/<int:pk>/raty/", views.person_add_instalment, name="person-instalment"),
    path(
        "ubezpieczeni/<int:pk>/raty/<int:instalment_pk>/",
        views.instalment_edit,
        name="instalment-edit",
    ),
    path(
        "ubezpieczeni/<int:pk>/raty/<int:instalment_pk>/usun/",
        views.instalment_delete,
        name="instalment-delete",
    ),
    path("ubezpieczeni/<int:pk>/rezygnacja/", views.person_opt_out, name="person-opt-out"),
    path("ubezpieczeni/import/", views.person_import, name="person-import"),
    path(
        "ubezpieczeni/import/<int:pk>/", views.person_import_preview, name="person-import-preview"
    ),
    path(
        "ubezpieczeni/import/<int:pk>/stan/",
        views.person_import_status,
        name="person-import-status",
    ),
    path("wyslij/", views.send_start, name="send"),
    path("wyslij/podglad/", views.send_preview, name="send-preview"),
    path("wyslij/potwierdz/", views.send_confirm, name="send-confirm"),
    path("wiadomosci/", views.message_list, name="messages"),
    path("wiadomosci/eksport.csv", views.message_list_csv, name="messages-csv"),
    path("wiadomosci/<int:pk>/", views.message_detail, name="message"),
    path("wiadomosci/odswiez/", views.message_refresh, name="message-refresh"),
    path("odswiezanie/<int:pk>/", views.refresh_progress, name="refresh"),
    path("konto/", views.account, name="account"),
    path("konto/doladuj/", views.topup_online, name="topup"),
    path("konto/faktury/<int:pk>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("przypomnienia/", views.rules, name="rules"),
    path("raport/<str:secret>/", views.delivery_report, name="report"),
]
