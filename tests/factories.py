"""factory_boy factories for the standard world and for volume data in query-count tests."""

import factory

from palace_portal.users.models import User
from venues.kinds import KINDS_BY_CODE
from venues.models import OpeningHours, Palace, Region, SatellitePoint, StaffAssignment, Venue


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    real_name = factory.Sequence(lambda n: f"职工{n}")
    password = factory.django.Password("pass-word-123")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{360000 + n:06d}")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = Region.Level.COUNTY


class PalaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Palace

    name = factory.Sequence(lambda n: f"第{n}工人文化宫")
    level = Palace.Level.COUNTY
    status = Palace.Status.IN_SERVICE
    address = "人民路1号"
    phone = "0791-88888888"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    palace = factory.SubFactory(PalaceFactory)
    name = factory.Sequence(lambda n: f"场馆{n}")
    kind = "badminton"
    centre = factory.LazyAttribute(lambda o: KINDS_BY_CODE[o.kind].centre)
    booking_mode = factory.LazyAttribute(lambda o: KINDS_BY_CODE[o.kind].booking_mode)
    capacity = factory.LazyAttribute(lambda o: KINDS_BY_CODE[o.kind].capacity)


class SatellitePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SatellitePoint

    palace = factory.SubFactory(PalaceFactory)
    kind = SatellitePoint.Kind.INDUSTRIAL_PARK
    name = factory.Sequence(lambda n: f"活动点{n}")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory)
