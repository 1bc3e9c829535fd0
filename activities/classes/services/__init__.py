"""State changes of the night school, one module per concern: terms, a course's schedule and the
course itself, sections, the lottery, enrolling. Withdrawing, publishing and cancelling are shared
with events (`activities.offerings.services`)."""

from .courses import COURSE_FIELDS, course_cancel, course_create, course_publish, course_update
from .enrolments import enrolment_create
from .lottery import draw_order, lotteries_draw_due, lotteries_due, lottery_draw
from .schedule import PlannedSession, sessions_plan
from .sections import Demand, section_open
from .terms import term_create, term_update

__all__ = [
    "COURSE_FIELDS",
    "Demand",
    "PlannedSession",
    "course_cancel",
    "course_create",
    "course_publish",
    "course_update",
    "draw_order",
    "enrolment_create",
    "lotteries_draw_due",
    "lotteries_due",
    "lottery_draw",
    "section_open",
    "sessions_plan",
    "term_create",
    "term_update",
]
