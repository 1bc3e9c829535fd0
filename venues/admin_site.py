"""The back office's site: its door is the access policy (`access.may_use_admin`), not `is_staff`.

Django builds the default admin site (`PortalAdminConfig.default_site`) before the apps' models
are ready, so this module imports no models at import time: `venues.access` is imported inside
the methods that ask it.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PortalAdminAuthenticationForm(AdminAuthenticationForm):
    """Let anyone with a portal staff role in; Django's own form would demand `is_staff`."""

    def confirm_login_allowed(self, user):
        from venues import access

        AuthenticationForm.confirm_login_allowed(self, user)
        if not access.may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalAdminSite(admin.AdminSite):
    site_header = _("Palace portal back office")
    site_title = _("Palace portal")
    index_title = _("Back office")
    login_form = PortalAdminAuthenticationForm

    def has_permission(self, request) -> bool:
        # Imported late: the admin site is built before the apps' models are ready.
        from venues import access

        return access.may_use_admin(request.user)
