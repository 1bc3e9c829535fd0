"""The admin's scoping, built on the access policy.

Portal roles hold no Django model permissions, so Django's default `has_*_permission` would shut
them out; these base classes answer every permission question from `venues.access` instead.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from venues import access
from venues.models import Palace, Venue

# Foreign keys declared without a verbose name would otherwise be labelled with the bare,
# untranslated field name.
_FIELD_LABELS = {
    "palace": _("palace"),
    "region": _("region"),
    "user": _("user"),
    "created_at": _("assigned on"),
}


def _label_fields(formfield, db_field):
    if formfield is not None and db_field.name in _FIELD_LABELS:
        formfield.label = capfirst(_FIELD_LABELS[db_field.name])
    return formfield


def _manages_any_palace(request) -> bool:
    """Whether the user may act on at least one palace; asked once per request."""
    if not hasattr(request, "_portal_manages_any"):
        request._portal_manages_any = access.palaces_managed_by(request.user).exists()
    return request._portal_manages_any


class AccessPolicyAdmin(admin.ModelAdmin):
    """Django admin whose permissions come from the access policy, not from model permissions."""

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Missing and out of scope look the same. Django's default would redirect to the index
            # with "doesn't exist" before checking permissions; a plain 404 is the house rule.
            raise Http404(_("Not found."))
        return obj

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _label_fields(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)


class ProvincialAdmin(AccessPolicyAdmin):
    """Provincial work only (regions): invisible to everyone else."""

    def has_view_permission(self, request, obj=None):
        return access.may_administer_network(request.user)

    def has_change_permission(self, request, obj=None):
        return access.may_administer_network(request.user)

    def has_add_permission(self, request):
        return access.may_administer_network(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.may_administer_network(request.user)


class PalaceScopedAdmin(AccessPolicyAdmin):
    """Rows of one palace (or the palace itself), scoped like the rest of the portal.

    Read: the palaces `access.palaces_visible_to` the user. Add, change, delete: the palaces
    `access.palaces_managed_by` the user (city officers are read-only). The `palace` choice in
    forms offers managed palaces only, and a row never moves to another palace once created.
    """

    # The path from the model to its palace; None when the model is the palace.
    palace_field: str | None = "palace"

    def palace_of(self, obj) -> Palace:
        return obj if self.palace_field is None else getattr(obj, self.palace_field)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = access.palaces_visible_to(request.user)
        if self.palace_field is None:
            return queryset.filter(pk__in=visible.values("pk"))
        # Loaded with the row: the object-level checks read the palace and its region.
        return queryset.filter(**{f"{self.palace_field}__in": visible.values("pk")}).select_related(
            f"{self.palace_field}__region"
        )

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may_use_admin(request.user)
        return access.may_view_palace(request.user, self.palace_of(obj))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return _manages_any_palace(request)
        return access.may_manage_palace(request.user, self.palace_of(obj))

    def has_add_permission(self, request):
        return _manages_any_palace(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and self.palace_field is not None:
            # Bookings and ledgers carry the palace too: moving a row would split its history.
            readonly += (self.palace_field,)
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "palace" and self.palace_field == "palace":
            kwargs["queryset"] = access.palaces_managed_by(request.user)
        elif db_field.name == "venue":
            kwargs["queryset"] = Venue.objects.filter(
                palace__in=access.palaces_managed_by(request.user).values("pk")
            ).select_related("palace")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Defence in depth: the form's choices already keep the palace in scope.
        if not access.may_manage_palace(request.user, self.palace_of(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if any(not self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class PalaceInline(admin.TabularInline):
    """Rows edited on their palace's page: whoever may manage the palace may change them."""

    extra = 0

    def _may_change(self, request, palace) -> bool:
        if palace is None:
            # The add page: only provincial staff create palaces.
            return access.may_administer_network(request.user)
        return access.may_manage_palace(request.user, palace)

    def has_view_permission(self, request, obj=None):
        return obj is None or access.may_view_palace(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _label_fields(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)
