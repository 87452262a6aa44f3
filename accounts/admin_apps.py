from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin (in INSTALLED_APPS instead of django.contrib.admin), behind the
    portal's two-step login: see accounts.admin_site."""

    default_site = "accounts.admin_site.PortalAdminSite"
