"""Staff assignments: managers assign their own palaces' staff, provincial staff assign anyone."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palace_portal.errors import PortalError
from palace_portal.users.models import User, normalize_phone
from venues import access, services
from venues.models import Region, StaffAssignment

from .scoping import AccessPolicyAdmin


def _leads_any_palace(request) -> bool:
    """Whether the user may assign staff somewhere; asked once per request."""
    if not hasattr(request, "_portal_leads_any"):
        request._portal_leads_any = access.may_administer_network(request.user) or (
            access.palaces_led_by(request.user).exists()
        )
    return request._portal_leads_any


class StaffAssignmentAddForm(forms.ModelForm):
    """Assign a person by the mobile number they sign in with: no list of users is ever shown."""

    # Set per request by StaffAssignmentAdmin.get_form (the form class is built per request).
    actor = None

    phone = forms.CharField(
        label=capfirst(_("mobile number")),
        max_length=20,
        help_text=_("The number the person signs in with. They must have an account already."),
    )

    class Meta:
        model = StaffAssignment
        fields = ("role", "palace", "region", "legal_service")

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        user = None
        if phone:
            user = User.objects.filter(phone=normalize_phone(phone)).first()
            if user is None:
                self.add_error(
                    "phone", _("No account has this mobile number. Ask the person to sign up first.")
                )
        if user is None or self.has_error("role") or self.has_error("palace") or self.has_error("region"):
            return cleaned
        try:
            services.staff_assignment_validate(
                actor=self.actor,
                user=user,
                role=cleaned.get("role"),
                palace=cleaned.get("palace"),
                region=cleaned.get("region"),
            )
        except PortalError as exc:
            if not exc.fields:
                self.add_error(None, exc.message)
            for field, errors in exc.fields.items():
                self.add_error("phone" if field == "user" else field, errors)
            return cleaned
        cleaned["user"] = user
        self.instance.user = user
        return cleaned


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(AccessPolicyAdmin):
    """Managers assign staff and managers of their own palaces; provincial staff assign anyone.

    Assignments are created or removed, never edited: both go through `venues.services`.
    """

    list_display = ("person", "role", "palace_name", "region_name", "legal_service", "created_at")
    list_filter = ("role", ("palace", admin.RelatedOnlyFieldListFilter))
    # Exact number only: searching must not become a way to list people.
    search_fields = ("=user__phone", "palace__name")
    list_select_related = ("user", "palace", "region")
    ordering = ("palace__name", "role", "-created_at")
    add_form = StaffAssignmentAddForm

    @admin.display(description=_("person"), ordering="user__phone")
    def person(self, assignment):
        return str(assignment.user)

    @admin.display(description=_("palace"), ordering="palace__name")
    def palace_name(self, assignment):
        return assignment.palace or ""

    @admin.display(description=_("region"), ordering="region__code")
    def region_name(self, assignment):
        return assignment.region or ""

    def get_queryset(self, request):
        scope = Q(palace__in=access.palaces_led_by(request.user).values("pk"))
        if access.may_administer_network(request.user):
            scope |= Q(palace__isnull=True)
        return super().get_queryset(request).filter(scope).select_related("user", "palace", "region")

    def _may_handle(self, request, assignment) -> bool:
        if assignment.palace_id is None:
            return access.may_administer_network(request.user)
        return access.may_assign_staff(request.user, assignment.palace)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return _leads_any_palace(request)
        return self._may_handle(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return _leads_any_palace(request)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return _leads_any_palace(request)
        return self._may_handle(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fields = ["phone", "role", "palace", "legal_service"]
            if access.may_administer_network(request.user):
                fields.append("region")
            return ((None, {"fields": fields}),)
        fields = ("person", "role", "palace_name", "region_name", "legal_service", "created_at")
        return ((None, {"fields": fields}),)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("person", "role", "palace_name", "region_name", "legal_service", "created_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory built a fresh class for this request: safe to bind the actor to it.
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "palace":
            kwargs["queryset"] = access.palaces_led_by(request.user)
            # Without provincial rights only palace roles are on offer: the palace is then required.
            kwargs["required"] = not access.may_administer_network(request.user)
        elif db_field.name == "region":
            kwargs["queryset"] = (
                Region.objects.exclude(level=Region.Level.COUNTY)
                if access.may_administer_network(request.user)
                else Region.objects.none()
            )
        elif db_field.name == "user":
            kwargs["queryset"] = User.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not access.may_administer_network(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in StaffAssignment.Role.choices
                if value in StaffAssignment.PALACE_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        created = services.staff_assignment_create(
            actor=request.user,
            user=form.cleaned_data["user"],
            role=obj.role,
            palace=obj.palace,
            region=obj.region,
            legal_service=obj.legal_service,
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj.user = created.user
        obj.created_at = created.created_at
        obj._state = created._state

    def delete_model(self, request, obj):
        services.staff_assignment_delete(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "palace__region"):
            services.staff_assignment_delete(actor=request.user, assignment=assignment)

    def _refused_as_message(self, view, request, *args, **kwargs):
        # A rule that only the service could see (e.g. a concurrent duplicate): say so, change nothing.
        try:
            return view(request, *args, **kwargs)
        except PortalError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def add_view(self, request, form_url="", extra_context=None):
        return self._refused_as_message(super().add_view, request, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refused_as_message(super().delete_view, request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._refused_as_message(super().changelist_view, request, extra_context)
