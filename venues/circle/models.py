"""Service points (服务阵地) and their weekly hours.

A point belongs to the palace that runs it (the tenant), sits in a district (a county-level unit,
or the city itself) and may carry a location. Hours are weekly intervals; an interval whose closing
time is not after its opening time runs past midnight into the next day (00:00–00:00 is a whole
day). A weekday without intervals is a closed day; `open_all_hours` opens the point day and night.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    # The three satellite kinds of 一宫多点 (where the palace's activities reach workers) ...
    INDUSTRIAL_PARK = "industrial_park", _("industrial park / development zone")
    TOWN_STREET = "town_street", _("town / street")
    VILLAGE_COMMUNITY = "village_community", _("village / community")
    # ... and the other union service points linked into the circle.
    PALACE = "palace", _("palace building")
    WORKERS_HOME = "workers_home", _("workers' home")
    OUTDOOR_STATION = "outdoor_station", _("station for outdoor workers")
    LIBRARY = "library", _("workers' library")
    OTHER = "other", _("other service point")


SATELLITE_KINDS = (PointKind.INDUSTRIAL_PARK, PointKind.TOWN_STREET, PointKind.VILLAGE_COMMUNITY)


class PointService(models.TextChoices):
    REST = "rest", _("rest")
    WATER = "water", _("drinking water")
    CHARGING = "charging", _("phone charging")
    MICROWAVE = "microwave", _("microwave")
    TOILET = "toilet", _("toilet")
    READING = "reading", _("reading")
    LEGAL = "legal", _("legal advice")
    FIRST_AID = "first_aid", _("first-aid kit")
    WIFI = "wifi", _("Wi-Fi")
    ACTIVITIES = "activities", _("activities")


class ServicePointQuerySet(models.QuerySet):
    def in_service(self):
        """Points a worker may go to: active, run by a palace the directory lists."""
        return self.filter(is_active=True).exclude(palace__status__in=["planned", "closed"])

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def in_city(self, city):
        return self.filter(Q(region=city) | Q(region__parent=city))


# What staff say of a point besides its name, in the order of the point form and the spreadsheet.
POINT_DETAILS = (
    "kind",
    "region",
    "address",
    "phone",
    "latitude",
    "longitude",
    "services",
    "open_all_hours",
    "is_active",
)


class SatellitePoint(models.Model):
    """A union service point: a satellite point of 一宫多点 or any other point of the service circle."""

    Kind = PointKind

    palace = models.ForeignKey(
        "venues.Palace", verbose_name=_("palace"), on_delete=models.CASCADE, related_name="satellite_points"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey(
        "venues.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_points",
        help_text=_("The county-level unit (or the city) the point is in."),
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    open_all_hours = models.BooleanField(_("open 24 hours"), default=False)
    is_active = models.BooleanField(_("in service"), default=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["palace", "name"], name="point_unique_name_in_palace"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="point_location_in_range",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="point_location")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both the latitude and the longitude, or neither.")
        unknown = set(self.services or []) - set(PointService.values)
        if unknown:
            errors["services"] = _("Unknown service: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)

    @property
    def service_labels(self) -> list[str]:
        known = dict(PointService.choices)
        return [str(known[code]) for code in PointService.values if code in (self.services or [])]


class ServicePointHours(models.Model):
    """One weekly opening interval of a service point; closing not after opening = past midnight."""

    point = models.ForeignKey(
        SatellitePoint, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("Not after the opening time: closes the next day."))

    class Meta:
        verbose_name = _("service point hours")
        verbose_name_plural = _("service point hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="point_hours_weekday_range"
            ),
            models.UniqueConstraint(fields=["point", "weekday", "opens"], name="point_hours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens
