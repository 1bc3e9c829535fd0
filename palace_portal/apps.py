from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(AdminConfig):
    """Django admin with the portal's site, whose door is the access policy."""

    default_site = "venues.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        # Every model is loaded by now (ready() runs after all models are imported).
        from palace_portal import choices, serializer_fields

        choices.install()
        serializer_fields.install()


class PortalAxesConfig(AxesAppConfig):
    """django-axes under a name the back office can translate (axes gives its app none: "Axes")."""

    verbose_name = _("Sign-in lockout")
