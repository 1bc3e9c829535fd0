"""The user table in the back office: for superusers and provincial officers only.

Palace staff may enter the back office (the site's door is `access.may_use_admin`) but must not
browse everybody's personal data, so every permission here asks the access policy again.
The list shows masked numbers and names; the change page, for those allowed in, shows them whole.

Registered here rather than in `palace_portal.users`: the users app sits below venues in the
dependency order and must not ask `venues.access`; the admin of its table may.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from palace_portal.admin_mixins import PermissionLabelsMixin
from palace_portal.users.models import User
from venues import access

# Only a superuser may hand out these; a provincial officer could otherwise promote themselves.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def may_administer_users(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or access.is_province_officer(user))
    )


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("phone", "real_name")
        field_classes = {}


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Personal info"), {"fields": ("real_name", "membership_number", "workplace", "email")}),
        (_("Permissions"), {"fields": ("is_active", *PRIVILEGE_FIELDS)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "real_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "masked_phone_column",
        "masked_name_column",
        "is_member_column",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_active", "is_superuser", "date_joined")
    # Exact matches on the number and membership number: a search box must not be a way to list
    # every number that starts with 138.
    search_fields = ("=phone", "=membership_number", "real_name")
    ordering = ("-date_joined",)
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked_phone_column(self, obj: User) -> str:
        return obj.masked_phone

    @admin.display(description=_("real name"), ordering="real_name")
    def masked_name_column(self, obj: User) -> str:
        return obj.masked_name

    @admin.display(description=_("union member"), boolean=True)
    def is_member_column(self, obj: User) -> bool:
        return obj.is_member

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields += PRIVILEGE_FIELDS
        return fields

    def has_module_permission(self, request) -> bool:
        return may_administer_users(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_administer_users(request.user)

    def has_add_permission(self, request) -> bool:
        return may_administer_users(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not may_administer_users(request.user):
            return False
        # A superuser's account (and password) is changed only by a superuser.
        return not (obj is not None and obj.is_superuser and not request.user.is_superuser)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated, not deleted, except by a superuser.
        return bool(request.user.is_active and request.user.is_superuser)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, DjangoGroupAdmin):
    """Django's group admin, its permissions named in the reader's language."""
