"""Bookings' tables, by concern (the classes are re-exported here: `bookings.models.Booking`).

- `booking`: `Booking` (every reservation and sign-up, whatever its state), `SlotCounter`,
  `Attendance`
- `rule`: `BookingRule`, `DutyShift`
- `offering`: `Offering`, `Occurrence`
- `appointment`: `AppointmentMatter`, `MatterRead`
- `suspension`: `Suspension`, `Appeal`
- `notification`: `Notification` (the outbox), `CalendarFeed`
"""

from .appointment import AppointmentMatter, MatterRead
from .booking import Attendance, Booking, BookingQuerySet, SlotCounter, TsTzRange
from .notification import CalendarFeed, Notification
from .offering import Occurrence, Offering
from .rule import BookingRule, DutyShift
from .suspension import Appeal, Suspension

__all__ = [
    "Appeal",
    "AppointmentMatter",
    "Attendance",
    "Booking",
    "BookingQuerySet",
    "BookingRule",
    "CalendarFeed",
    "DutyShift",
    "MatterRead",
    "Notification",
    "Occurrence",
    "Offering",
    "SlotCounter",
    "Suspension",
    "TsTzRange",
]
