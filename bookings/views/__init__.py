"""The worker's booking pages, by concern:

- `grid`: a venue's availability grid (book in two taps) and the booking page
- `mine`: "My bookings", one booking with its QR code, cancelling, accepting an offer
- `calendar`: the personal calendar feed and resetting its address
- `suspension`: the suspension and its appeal

Views parse input with forms, call selectors and services, and render. Every write is a POST with
CSRF and goes through `bookings.services` (or `calendars`); a refusal comes back as a
`palace_portal.errors` exception whose message the page shows, with nothing changed.
"""

from .calendar import calendar_feed, calendar_reset
from .grid import availability, availability_grid_html, venue_book
from .mine import booking_cancel, booking_detail, booking_qr, my_bookings, offer_accept
from .suspension import suspension

__all__ = [
    "availability",
    "availability_grid_html",
    "booking_cancel",
    "booking_detail",
    "booking_qr",
    "calendar_feed",
    "calendar_reset",
    "my_bookings",
    "offer_accept",
    "suspension",
    "venue_book",
]
