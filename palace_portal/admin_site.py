from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Palace portal back office")
    site_title = _("Palace portal")
    index_title = _("Back office")

    def has_permission(self, request) -> bool:
        # Imported late: the admin site is built before the apps' models are ready.
        from venues import access

        return access.may_use_admin(request.user)
