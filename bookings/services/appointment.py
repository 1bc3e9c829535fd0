"""Appointment matters: what a worker writes when booking a service window, kept confidential.

No list, message, feed or API answer ever shows a matter. Staff of the palace read it one booking
at a time (`matter_read`), and every read is recorded (`MatterRead`) for the palace's managers.
"""

from __future__ import annotations

from palace_portal.errors import NotFound

from ..access import may_read_matter
from ..models import AppointmentMatter, Booking, MatterRead


def matter_record(*, booking: Booking, text: str) -> AppointmentMatter:
    """Keep the matter of a new appointment; called inside `booking_create`'s transaction."""
    return AppointmentMatter.objects.create(booking=booking, palace_id=booking.palace_id, text=text.strip())


def matter_read(*, actor, booking: Booking) -> str:
    """The appointment's matter, for service staff of the booking's palace; every read recorded."""
    if not may_read_matter(actor, booking):
        raise NotFound()
    matter = AppointmentMatter.objects.filter(booking=booking).first()
    if matter is None:
        return ""
    MatterRead.objects.create(matter=matter, reader=actor)
    return matter.text
