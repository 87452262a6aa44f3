from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Portal — administracja")
admin.site.site_title = _("Portal")
admin.site.index_title = _("Administracja")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("konto/obsluga/", include("accounts.staff_urls")),
    path("", include("offers.urls")),
    path("platnosci/", include("payments.urls")),
    path("powiadomienia/", include("notifications.urls")),
    path("sms/", include("notifications.sms.urls")),
    path("abonent/", include("subscribers.urls")),
    path("partner/", include("partners.urls")),
    path("konto/organizacje/", include("portal.organisation_urls")),
]

if settings.BENCHMARK:
    urlpatterns += [
        path("bench/reference", views.benchmark_reference, name="bench-reference"),
        path("bench/bare-list", views.benchmark_bare_list, name="bench-bare-list"),
    ]
