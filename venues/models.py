"""The network: regions, palaces (the tenant), who works for them, their points and venues."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from palace_portal.images import PICTURE_ALT_HELP, picture_alt_constraint, picture_alt_errors

from .circle.models import PointKind, PointService, SatellitePoint, ServicePointHours
from .kinds import KIND_CHOICES, KINDS_BY_CODE, BookingMode, Centre, kind_centre_condition

__all__ = [
    "Closure",
    "OpeningHours",
    "Palace",
    "PointKind",
    "PointService",
    "Region",
    "SatellitePoint",
    "ServicePointHours",
    "StaffAssignment",
    "Venue",
]


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("prefecture-level city")
        COUNTY = "county", _("county-level unit")

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="region_code_digits"),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True)
                | Q(level__in=["city", "county"], parent__isnull=False),
                name="region_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PalaceQuerySet(models.QuerySet):
    def listed(self):
        """Palaces the public directory shows: planned and closed ones are hidden."""
        return self.exclude(status__in=[Palace.Status.PLANNED, Palace.Status.CLOSED])

    def in_service(self):
        return self.filter(status=Palace.Status.IN_SERVICE)

    def in_city(self, city: Region):
        return self.filter(Q(region=city) | Q(region__parent=city))


class Palace(models.Model):
    """A workers' cultural palace (工人文化宫): the tenant every palace-owned row points to."""

    class Level(models.TextChoices):
        CITY = "city", _("city-level")
        COUNTY = "county", _("county-level")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_CONSTRUCTION = "under_construction", _("under construction")
        EQUIPMENT = "equipment", _("equipment being installed")
        IN_SERVICE = "in_service", _("in service")
        CLOSED = "closed", _("closed")

    # Statuses that count as a new / rebuilt / extended project under way.
    PROJECT_STATUSES = (Status.UNDER_CONSTRUCTION, Status.EQUIPMENT)

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="palaces",
        help_text=_("The city for a city-level palace, the county-level unit for a county-level one."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    floor_area = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    description = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown at the top of the palace page.")
    )
    directions = models.TextField(
        _("how to get there"),
        blank=True,
        max_length=1000,
        help_text=_("Bus lines, metro station and exit, parking: shown beside the address."),
    )
    picture = models.ImageField(_("picture"), upload_to="palaces/", blank=True)
    picture_alt = models.CharField(
        _("picture description"), max_length=200, blank=True, help_text=PICTURE_ALT_HELP
    )
    alliance_member = models.BooleanField(_("alliance member"), default=False)

    objects = PalaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("palace")
        verbose_name_plural = _("palaces")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="palace_unique_name_in_region"),
            models.CheckConstraint(
                condition=Q(year_built__isnull=True) | Q(year_built__gte=1900, year_built__lte=2100),
                name="palace_year_built_range",
            ),
            picture_alt_constraint("palace"),
        ]
        indexes = [models.Index(fields=["status", "level"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = picture_alt_errors(self)
        if self.region_id and self.level and self.region.level != self.level:
            errors["region"] = _("A %(level)s palace must be placed in a region of that level.") % {
                "level": self.get_level_display()
            }
        if errors:
            raise ValidationError(errors)

    @property
    def city(self) -> Region | None:
        """The prefecture-level city the palace belongs to (needs `region__parent` loaded)."""
        if self.region.level == Region.Level.CITY:
            return self.region
        return self.region.parent

    @property
    def county(self) -> Region | None:
        return self.region if self.region.level == Region.Level.COUNTY else None


class OpeningHours(models.Model):
    """One opening interval of a palace on a weekday (a day may have several, e.g. 9–12, 14–21)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_range"),
            models.UniqueConstraint(fields=["palace", "weekday", "opens"], name="hours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        # The check constraint holds the rule; this gives forms a message people understand.
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class ClosureQuerySet(models.QuerySet):
    def covering(self, day: date):
        return self.filter(start_date__lte=day, end_date__gte=day)


class Closure(models.Model):
    """Days a palace (or one of its venues) is closed, with the reason shown to workers."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="closures"
    )
    venue = models.ForeignKey(
        "Venue",
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Empty: the whole palace is closed."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(start_date__lte=F("end_date")), name="closure_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}: {self.reason}"

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.start_date > self.end_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        # No database constraint can say "the venue belongs to the same palace": checked here.
        if self.venue_id and self.palace_id and self.venue.palace_id != self.palace_id:
            errors["venue"] = _("The venue must belong to the closure's palace.")
        if errors:
            raise ValidationError(errors)


class VenueQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def listed(self):
        """Venues offered to the public: active, at a palace the directory lists."""
        return self.active().exclude(palace__status__in=[Palace.Status.PLANNED, Palace.Status.CLOSED])

    def for_palace(self, palace):
        return self.filter(palace=palace)


class Venue(models.Model):
    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("name"), max_length=100)
    centre = models.CharField(_("centre"), max_length=10, choices=Centre.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=KIND_CHOICES)
    booking_mode = models.CharField(_("booking mode"), max_length=12, choices=BookingMode.choices)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    fee = models.DecimalField(
        _("fee (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    member_only = models.BooleanField(_("union members only"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    facilities = models.TextField(_("facilities"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    floor = models.CharField(_("floor / location"), max_length=50, blank=True)
    picture = models.ImageField(_("picture"), upload_to="venues/", blank=True)
    picture_alt = models.CharField(
        _("picture description"), max_length=200, blank=True, help_text=PICTURE_ALT_HELP
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["palace", "centre", "name"]
        constraints = [
            models.CheckConstraint(condition=kind_centre_condition(), name="venue_kind_in_centre"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="venue_capacity_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="venue_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=15, slot_minutes__lte=480), name="venue_slot_range"
            ),
            models.CheckConstraint(
                condition=Q(booking_mode__in=BookingMode.values), name="venue_booking_mode_valid"
            ),
            models.UniqueConstraint(fields=["palace", "name"], name="venue_unique_name_in_palace"),
            picture_alt_constraint("venue"),
        ]
        indexes = [models.Index(fields=["centre", "kind"])]

    def __str__(self) -> str:
        return f"{self.palace.name} · {self.name}"

    def clean(self):
        # The check constraint holds the rule; this gives forms a message people understand.
        errors = picture_alt_errors(self)
        kind = KINDS_BY_CODE.get(self.kind)
        if kind is not None and self.centre and kind.centre != self.centre:
            errors["kind"] = _("This kind of venue belongs to the %(centre)s, not to the one chosen.") % {
                "centre": Centre(kind.centre).label
            }
        if errors:
            raise ValidationError(errors)


class StaffAssignment(models.Model):
    """Who may act for which palace or region. The access policy reads only this table.

    Palace staff and managers are scoped to a palace; city officers to a city; provincial officers
    to the province. A person may hold several assignments (e.g. staff of two palaces).
    """

    class Role(models.TextChoices):
        PALACE_STAFF = "palace_staff", _("palace staff")
        PALACE_MANAGER = "palace_manager", _("palace manager")
        CITY_OFFICER = "city_officer", _("city union staff")
        PROVINCE_OFFICER = "province_officer", _("provincial union staff")

    PALACE_ROLES = (Role.PALACE_STAFF, Role.PALACE_MANAGER)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    palace = models.ForeignKey(
        Palace,
        verbose_name=_("palace"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )
    # Legal-service duty (法律服务): only staff holding it read a palace's legal-help cases, which
    # are confidential to the worker concerned. Not implied by any role, not even a manager's.
    legal_service = models.BooleanField(
        _("legal-service duty"),
        default=False,
        help_text=_("Reads and handles the workers' confidential legal-help and mediation cases."),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["palace_staff", "palace_manager"], palace__isnull=False, region__isnull=True)
                    | Q(
                        role__in=["city_officer", "province_officer"],
                        palace__isnull=True,
                        region__isnull=False,
                    )
                ),
                name="assignment_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(legal_service=False) | Q(role__in=["palace_staff", "palace_manager"]),
                name="assignment_legal_service_palace_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "palace"],
                condition=Q(palace__isnull=False),
                name="assignment_unique_palace_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="assignment_unique_region_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.palace or self.region}"
