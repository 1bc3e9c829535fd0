"""Staff pages of the night school: `/staff/classes/<palace_id>/...` (`activities.classes.staff_urls`).
Events' staff pages are `activities.events.staff_views`; the roll call of a session, shared by
both, is `activities.offerings.staff_views`.

Every page needs a signed-in user. Reads (terms, a term's courses, events, a lottery's audit):
palaces `palace_or_404(..., scope="view")` the user; the rest (forms, rosters with names and phones, roll
calls, draws, sections): `scope="manage"`. Anything else answers 404; the services
check the same again. Views parse with `activities.classes.staff_forms`, call one service or read,
and render; refusals show the service's message.
"""

from activities.classes.staff_views.courses import (
    course_cancel,
    course_detail,
    course_edit,
    course_new,
    course_publish,
)
from activities.classes.staff_views.lottery import draw
from activities.classes.staff_views.sections import section_new
from activities.classes.staff_views.terms import term_courses, term_edit, term_new, terms

__all__ = [
    "course_cancel",
    "course_detail",
    "course_edit",
    "course_new",
    "course_publish",
    "draw",
    "section_new",
    "term_courses",
    "term_edit",
    "term_new",
    "terms",
]
