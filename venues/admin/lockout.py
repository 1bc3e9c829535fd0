"""django-axes' back-office pages (sign-in lockout) with every column named in the reader's language.

Axes leaves two of its list columns without a description, so Django would head them with the bare
method names ("Status", "Expiration"); everything else of axes is translated by the portal's
catalogue (`palace_portal/library_messages.py`).
"""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj):
        return super().status(obj)

    @admin.display(description=_("expires at"))
    def expiration(self, obj):
        return super().expiration(obj)


if axes_settings.AXES_ENABLE_ADMIN:
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
