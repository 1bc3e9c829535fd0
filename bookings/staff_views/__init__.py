"""The palace desk: the pages palace staff work from.

Every page needs a signed-in user and a palace the user manages: `venues.pages.staff_page`, then
`palace_or_404(request, palace_id, scope="manage")`; anything outside that scope answers 404.
Views parse with the forms of `staff_forms`, call one service or read, and render; refusals show
the service's message. Each page issues a fixed number of queries whatever the number of bookings
(tests/bookings/test_staff_views.py).

Appointment matters are confidential: no list shows them; the booking's page shows the text only
in the answer to a "read" POST, which `matter_read` records.
"""

from .appointments import appointments, booking_detail, matter, matter_reads
from .desk import check_in, home, switch, today
from .pages import palace_page, venue_picture
from .requests import request_decide, requests_list
from .roster import roster, shift_delete, shift_edit
from .rules import rules, venues
from .suspensions import appeal_decide, suspension_lift, suspensions

__all__ = [
    "appeal_decide",
    "appointments",
    "booking_detail",
    "check_in",
    "home",
    "matter",
    "matter_reads",
    "palace_page",
    "request_decide",
    "requests_list",
    "roster",
    "rules",
    "shift_delete",
    "shift_edit",
    "suspension_lift",
    "suspensions",
    "switch",
    "today",
    "venue_picture",
    "venues",
]
