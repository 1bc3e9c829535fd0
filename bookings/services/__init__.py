"""Every write about bookings, by concern:

- `booking`: the lifecycle of a venue booking (create, cancel, accept an offer, decide, check in)
- `places`: how a booking holds its time and how freed places pass to the waitlist
- `offering`: sign-ups of courses and events, lotteries, attendance
- `suspension`: suspensions after no-shows, lifting them, appeals
- `appointment`: the confidential matter of a service-window appointment
- `jobs`: the beat's jobs (offers expiring, no-shows, reminders)
- `staff`: a palace's booking set-up (rules, venue settings, the duty roster)
- `common`: check-in codes and the person's lock

The public services are re-exported here, so callers may write `from bookings.services import
booking_cancel` whichever module holds it.
"""

from .appointment import matter_read
from .booking import (
    booking_cancel,
    booking_check_in,
    booking_create,
    offer_accept,
    request_decide,
)
from .common import CODE_ALPHABET
from .jobs import no_shows_mark, offers_expire, reminders_send
from .offering import (
    attendance_roll_call,
    offering_allocate,
    offering_capacity_change,
    offering_enrol,
    offering_invite_waitlist,
    offering_is_open,
    offering_waitlist_position,
)
from .places import waitlist_offer_freed
from .staff import duty_shift_create, duty_shift_delete, duty_shift_update, rule_update
from .suspension import appeal_decide, appeal_submit, suspension_in_force, suspension_lift

__all__ = [
    "CODE_ALPHABET",
    "appeal_decide",
    "appeal_submit",
    "attendance_roll_call",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "duty_shift_create",
    "duty_shift_delete",
    "duty_shift_update",
    "matter_read",
    "no_shows_mark",
    "offer_accept",
    "offering_allocate",
    "offering_capacity_change",
    "offering_enrol",
    "offering_invite_waitlist",
    "offering_is_open",
    "offering_waitlist_position",
    "offers_expire",
    "reminders_send",
    "request_decide",
    "rule_update",
    "suspension_in_force",
    "suspension_lift",
    "waitlist_offer_freed",
]
