"""Regions, palaces (with their hours, closures and points), venues: the network's admin pages."""

from functools import partial

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal.admin_mixins import PictureAdminMixin
from venues import access
from venues.circle.models import SATELLITE_KINDS
from venues.kinds import KINDS, Centre
from venues.models import Closure, OpeningHours, Palace, Region, SatellitePoint, Venue

from .scoping import PalaceInline, PalaceScopedAdmin, ProvincialAdmin

# What only provincial staff may change about a palace: the provincial register.
PROVINCIAL_PALACE_FIELDS = ("name", "level", "region", "status", "alliance_member")


# --- Regions --------------------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(ProvincialAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    ordering = ("code",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Region.objects.exclude(level=Region.Level.COUNTY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Palaces and their inlines --------------------------------------------------------------------


class OpeningHoursInline(PalaceInline):
    model = OpeningHours
    fields = ("weekday", "opens", "closes")


class ClosureInline(PalaceInline):
    model = Closure
    fields = ("start_date", "end_date", "venue", "reason")
    verbose_name_plural = _("current and upcoming closures")

    def get_queryset(self, request):
        # Past closures stay in the closures list; the palace page shows what still matters.
        return super().get_queryset(request).filter(end_date__gte=timezone.localdate())

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["formfield_callback"] = partial(self.formfield_for_dbfield, request=request, palace=obj)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, palace=None, **kwargs):
        if db_field.name == "venue":
            venues = Venue.objects.filter(palace=palace) if palace is not None else Venue.objects.none()
            kwargs["queryset"] = venues.select_related("palace")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SatellitePointInline(PalaceInline):
    model = SatellitePoint
    fields = ("kind", "name", "address")
    verbose_name_plural = _("satellite points")

    def get_queryset(self, request):
        # The palace's 一宫多点 points; the circle's other points (a city may hold a thousand) are
        # kept on the circle's staff pages and in the service points list.
        return super().get_queryset(request).filter(kind__in=SATELLITE_KINDS)


class CityListFilter(admin.SimpleListFilter):
    title = _("city")
    parameter_name = "city"

    def lookups(self, request, model_admin):
        return list(Region.objects.filter(level=Region.Level.CITY).values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            city = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(Q(region_id=city) | Q(region__parent_id=city))


@admin.register(Palace)
class PalaceAdmin(PictureAdminMixin, PalaceScopedAdmin):
    palace_field = None
    list_display = ("name", "level", "status", "city", "alliance_member", "venue_count")
    list_filter = ("level", "status", "alliance_member", CityListFilter)
    search_fields = ("name", "address", "region__name")
    inlines = (OpeningHoursInline, ClosureInline, SatellitePointInline)
    fieldsets = (
        (None, {"fields": ("name", "level", "region", "status", "alliance_member")}),
        (_("Contact"), {"fields": ("address", "phone")}),
        (_("Building"), {"fields": ("floor_area", "floors", "year_built")}),
        (_("Palace page"), {"fields": ("description", "directions", "picture", "picture_alt")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("region__parent")
            .annotate(venue_count=Count("venues"))
        )

    @admin.display(description=_("city"), ordering="region__code")
    def city(self, palace):
        return palace.city

    @admin.display(description=_("venues"), ordering="venue_count")
    def venue_count(self, palace):
        return palace.venue_count

    def has_add_permission(self, request):
        return access.may_administer_network(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.may_administer_network(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not access.may_administer_network(request.user):
            readonly += PROVINCIAL_PALACE_FIELDS
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.exclude(level=Region.Level.PROVINCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not access.may_administer_network(request.user):
            raise PermissionDenied
        if (
            change
            and set(form.changed_data) & set(PROVINCIAL_PALACE_FIELDS)
            and not access.may_administer_network(request.user)
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


# --- Venues, closures, points ---------------------------------------------------------------------


def _kind_choices_by_centre():
    """The venue kinds grouped under their centre, so the choice itself explains the rule."""
    return [("", "---------")] + [
        (label, [(k.code, k.label) for k in KINDS if k.centre == centre]) for centre, label in Centre.choices
    ]


@admin.register(Venue)
class VenueAdmin(PictureAdminMixin, PalaceScopedAdmin):
    list_display = (
        "name",
        "palace",
        "centre",
        "kind",
        "booking_mode",
        "capacity",
        "fee",
        "member_only",
        "is_active",
    )
    list_filter = ("centre", "booking_mode", "is_active", ("palace", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "palace__name")
    list_select_related = ("palace",)
    fieldsets = (
        (None, {"fields": ("palace", "name", "centre", "kind", "booking_mode", "is_active")}),
        (_("Booking"), {"fields": ("capacity", "fee", "member_only", "slot_minutes")}),
        (_("Details"), {"fields": ("floor", "facilities", "accessibility")}),
        (_("Picture"), {"fields": ("picture", "picture_alt")}),
    )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = _kind_choices_by_centre()
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Closure)
class ClosureAdmin(PalaceScopedAdmin):
    list_display = ("palace", "venue", "start_date", "end_date", "reason")
    list_filter = (("palace", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("reason", "palace__name", "venue__name")
    list_select_related = ("palace", "venue__palace")
    date_hierarchy = "start_date"
    ordering = ("-start_date",)
    fields = ("palace", "venue", "start_date", "end_date", "reason")


@admin.register(SatellitePoint)
class SatellitePointAdmin(PalaceScopedAdmin):
    list_display = ("name", "palace", "kind", "address")
    list_filter = ("kind", ("palace", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "address", "palace__name")
    list_select_related = ("palace",)
    fields = ("palace", "kind", "name", "address")
