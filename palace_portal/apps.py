from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django admin with the portal's site, whose door is the access policy."""

    default_site = "venues.admin_site.PortalAdminSite"
