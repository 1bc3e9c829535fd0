"""Staff pages of classes (the night school) and events: `/staff/classes/<palace_id>/...` and
`/staff/events/<palace_id>/...` (`activities.staff_class_urls`).

Every page needs a signed-in user. Reads (terms, a term's courses, events, a lottery's audit):
palaces `access.palaces_visible_to` the user; the rest (forms, rosters with names and phones, roll
calls, draws, sections): `access.palaces_managed_by`. Anything else answers 404; the services
check the same again. Views parse with `activities.staff_class_forms`, call one service or read,
and render; refusals show the service's message.
"""

from activities.classes.staff_views.courses import (
    course_cancel,
    course_detail,
    course_edit,
    course_new,
    course_publish,
)
from activities.classes.staff_views.events import (
    event_cancel,
    event_detail,
    event_edit,
    event_new,
    event_publish,
    events,
)
from activities.classes.staff_views.lottery import draw
from activities.classes.staff_views.sections import section_new
from activities.classes.staff_views.sessions import roll_call
from activities.classes.staff_views.terms import term_courses, term_edit, term_new, terms

__all__ = [
    "course_cancel",
    "course_detail",
    "course_edit",
    "course_new",
    "course_publish",
    "draw",
    "event_cancel",
    "event_detail",
    "event_edit",
    "event_new",
    "event_publish",
    "events",
    "roll_call",
    "section_new",
    "term_courses",
    "term_edit",
    "term_new",
    "terms",
]
