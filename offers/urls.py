from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from accounts.roles import Role

from . import client_views, views

app_name = "offers"

# The two-factor steps of the agent's login (see accounts.otp).
_otp = {
    "namespace": "offers",
    "role": Role.AGENT,
    "success_url": "offers:list",
    "heading": _("Logowanie agenta"),
}

urlpatterns = [
    path("agent/logowanie/", views.agent_login, name="login"),
    path("agent/logowanie/kod/", accounts_views.otp_verify, _otp, name="login-otp"),
    path("agent/logowanie/konfiguracja/", accounts_views.otp_setup, _otp, name="login-setup"),
    path(
        "agent/logowanie/kody-zapasowe/",
        accounts_views.otp_recovery_codes,
        _otp,
        name="login-codes",
    ),
    path("agent/", views.agent_home, name="agent-home"),
    path("agent/oferty/", views.offer_list, name="list"),
    path("agent/oferty/eksport.csv", views.offer_list_csv, name="list-csv"),
    path("agent/oferty/nowa/", views.offer_create, name="create"),
    path("agent/oferty/<int:pk>/", views.offer_detail, name="detail"),
    path("agent/oferty/<int:pk>/edycja/", views.offer_edit, name="edit"),
    path("agent/oferty/<int:pk>/kopia/", views.offer_copy, name="copy"),
    path("agent/oferty/<int:pk>/anuluj/", views.offer_cancel, name="cancel"),
    path("agent/oferty/<int:pk>/pdf/", views.offer_pdf, name="pdf"),
    path("agent/oferty/<int:pk>/dokumenty/<slug:kind>/", views.offer_document, name="document"),
    path("agent/oferty/<int:pk>/historia.csv", views.offer_timeline_csv, name="timeline-csv"),
    path("agent/oferty/<int:pk>/dms/", views.offer_send_dms, name="send-dms"),
    path("agent/oferty/<int:pk>/dms/zgoda/", views.offer_consent, name="consent"),
    path(
        "agent/oferty/<int:pk>/linki/<int:link_pk>/uniewaznij/",
        views.link_revoke,
        name="revoke-link",
    ),
    path("agent/oferty/<int:pk>/polisuj/", views.offer_polisuj, name="polisuj"),
    path("agent/oferty/<int:pk>/polisa/", views.offer_policy, name="policy"),
    path("agent/oferty/<int:pk>/polisa/pdf/", views.offer_policy_pdf, name="policy-pdf"),
    path(
        "agent/oferty/<int:pk>/zaswiadczenie-sprzedazy/",
        client_views.offer_certificate,
        name="certificate",
    ),
    # The client's pages (offers.client_views): one offer per client session.
    path("oferta/", client_views.client_access, name="client-access"),
    path("oferta/link/niewazny/", client_views.client_link_invalid, name="client-link-invalid"),
    path("oferta/link/<str:token>/", client_views.client_link, name="client-link"),
    path("oferta/logowanie/", client_views.client_pesel, name="client-pesel"),
    path("oferta/haslo/", client_views.client_password, name="client-password"),
    path("oferta/szczegoly/", client_views.client_offer, name="client-offer"),
    path("oferta/stan/", client_views.client_offer_status, name="client-offer-status"),
    path("oferta/dokumenty/<slug:slug>/", client_views.client_document, name="client-document"),
    path("oferta/zgody/", client_views.client_consents, name="client-consents"),
    path("oferta/platnosc/", client_views.client_pay, name="client-pay"),
    path("oferta/platnosc/wynik/", client_views.client_paid, name="client-paid"),
    path("oferta/wyloguj/", client_views.client_logout, name="client-logout"),
]
