"""The metrics of the catalogue, by the rows they are counted from (see `metrics.py`)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.legal.models import Outcome
from activities.models import ActivityKind, PartnerKind
from venues.kinds import Centre

from .metric_types import GROUPS, UNITS, Metric, Rule, ratio_metric  # noqa: F401

_ACTIVITY_ROWS = _("Logged activities, by their date")
_SESSION_ROWS = _("Class and event sessions held (not cancelled, already begun), by their date")
_ATTENDANCE_ROWS = _("Attendance at class and event sessions (check-in or roll call), by session date")
_SIGNUP_ROWS = _("Sign-ups for classes and events, in the month the class or event begins")
_BOOKING_ROWS = _(
    "Venue bookings that held their time (confirmed, checked in or no-show), by the day they start"
)

CENTRE_NAMES = {
    Centre.CULTURE: (
        pgettext_lazy("ledger metric", "Activities: culture centre"),
        pgettext_lazy("ledger metric", "Person-times: culture centre"),
    ),
    Centre.EDUCATION: (
        pgettext_lazy("ledger metric", "Activities: education centre"),
        pgettext_lazy("ledger metric", "Person-times: education centre"),
    ),
    Centre.HEALTH: (
        pgettext_lazy("ledger metric", "Activities: health centre"),
        pgettext_lazy("ledger metric", "Person-times: health centre"),
    ),
    Centre.SERVICE: (
        pgettext_lazy("ledger metric", "Activities: service centre"),
        pgettext_lazy("ledger metric", "Person-times: service centre"),
    ),
}
CENTRE_VENUE_NAMES = {
    Centre.CULTURE: (
        pgettext_lazy("ledger metric", "Booked hours: culture centre"),
        pgettext_lazy("ledger metric", "Open hours: culture centre"),
        pgettext_lazy("ledger metric", "Venue utilisation: culture centre"),
    ),
    Centre.EDUCATION: (
        pgettext_lazy("ledger metric", "Booked hours: education centre"),
        pgettext_lazy("ledger metric", "Open hours: education centre"),
        pgettext_lazy("ledger metric", "Venue utilisation: education centre"),
    ),
    Centre.HEALTH: (
        pgettext_lazy("ledger metric", "Booked hours: health centre"),
        pgettext_lazy("ledger metric", "Open hours: health centre"),
        pgettext_lazy("ledger metric", "Venue utilisation: health centre"),
    ),
    Centre.SERVICE: (
        pgettext_lazy("ledger metric", "Booked hours: service centre"),
        pgettext_lazy("ledger metric", "Open hours: service centre"),
        pgettext_lazy("ledger metric", "Venue utilisation: service centre"),
    ),
}
PARTNER_NAMES = {
    PartnerKind.ENTERPRISE: (
        pgettext_lazy("ledger metric", "Activities with enterprises (宫企融合)"),
        pgettext_lazy("ledger metric", "Person-times with enterprises"),
    ),
    PartnerKind.SCHOOL: (
        pgettext_lazy("ledger metric", "Activities with schools (宫校合作)"),
        pgettext_lazy("ledger metric", "Person-times with schools"),
    ),
    PartnerKind.ASSOCIATION: (
        pgettext_lazy("ledger metric", "Activities with associations (宫协联办)"),
        pgettext_lazy("ledger metric", "Person-times with associations"),
    ),
}
PARTNERS = (PartnerKind.ENTERPRISE, PartnerKind.SCHOOL, PartnerKind.ASSOCIATION)


def activity_metrics() -> list[Metric]:
    metrics = [
        Metric(
            "activities", pgettext_lazy("ledger metric", "Activities"), "times", _ACTIVITY_ROWS, "activities"
        ),
        Metric(
            "person_times",
            pgettext_lazy("ledger metric", "Person-times"),
            "person_times",
            _ACTIVITY_ROWS,
            "activities",
        ),
        Metric(
            "online_viewers",
            pgettext_lazy("ledger metric", "Online viewers"),
            "person_times",
            _ACTIVITY_ROWS,
            "activities",
        ),
        Metric("likes", pgettext_lazy("ledger metric", "Likes"), "times", _ACTIVITY_ROWS, "activities"),
        Metric(
            "online_viewers_max",
            pgettext_lazy("ledger metric", "Largest online audience of one activity"),
            "person_times",
            _ACTIVITY_ROWS,
            "activities",
            rule=Rule.MAX,
        ),
        Metric(
            "satellite_activities",
            pgettext_lazy("ledger metric", "Activities at satellite points"),
            "times",
            _("Logged activities held at one of the palace's satellite points, by their date"),
            "activities",
        ),
        Metric(
            "satellite_person_times",
            pgettext_lazy("ledger metric", "Person-times at satellite points"),
            "person_times",
            _("Logged activities held at one of the palace's satellite points, by their date"),
            "activities",
        ),
    ]
    for centre in Centre:
        count_name, people_name = CENTRE_NAMES[centre]
        metrics += [
            Metric(f"activities_{centre.value}", count_name, "times", _ACTIVITY_ROWS, "centres"),
            Metric(f"person_times_{centre.value}", people_name, "person_times", _ACTIVITY_ROWS, "centres"),
        ]
    for kind in ActivityKind:
        metrics += [
            Metric(
                f"activities_kind_{kind.value}",
                format_lazy(pgettext_lazy("ledger metric", "Activities: {kind}"), kind=kind.label),
                "times",
                _ACTIVITY_ROWS,
                "kinds",
            ),
            Metric(
                f"person_times_kind_{kind.value}",
                format_lazy(pgettext_lazy("ledger metric", "Person-times: {kind}"), kind=kind.label),
                "person_times",
                _ACTIVITY_ROWS,
                "kinds",
            ),
        ]
    for partner in PARTNERS:
        count_name, people_name = PARTNER_NAMES[partner]
        metrics += [
            Metric(f"activities_partner_{partner.value}", count_name, "times", _ACTIVITY_ROWS, "partners"),
            Metric(
                f"person_times_partner_{partner.value}",
                people_name,
                "person_times",
                _ACTIVITY_ROWS,
                "partners",
            ),
        ]
    return metrics


def class_metrics() -> list[Metric]:
    return [
        Metric(
            "sessions", pgettext_lazy("ledger metric", "Sessions held"), "times", _SESSION_ROWS, "classes"
        ),
        Metric(
            "class_sessions",
            pgettext_lazy("ledger metric", "Class sessions held"),
            "times",
            _SESSION_ROWS,
            "classes",
        ),
        Metric(
            "event_sessions",
            pgettext_lazy("ledger metric", "Event sessions held"),
            "times",
            _SESSION_ROWS,
            "classes",
        ),
        Metric(
            "attendance",
            pgettext_lazy("ledger metric", "Attendance"),
            "person_times",
            _ATTENDANCE_ROWS,
            "classes",
        ),
        Metric(
            "class_attendance",
            pgettext_lazy("ledger metric", "Class attendance"),
            "person_times",
            _ATTENDANCE_ROWS,
            "classes",
        ),
        Metric(
            "event_attendance",
            pgettext_lazy("ledger metric", "Event attendance"),
            "person_times",
            _ATTENDANCE_ROWS,
            "classes",
        ),
        Metric(
            "enrolments",
            pgettext_lazy("ledger metric", "Enrolments"),
            "people",
            _("Class places held (enrolled or checked in), in the month the class begins"),
            "classes",
        ),
        Metric(
            "event_registrations",
            pgettext_lazy("ledger metric", "Event registrations"),
            "people",
            _("Event places held (registered or checked in), in the month the event begins"),
            "classes",
        ),
        Metric(
            "lottery_applications",
            pgettext_lazy("ledger metric", "Lottery applications"),
            "people",
            _("Every application to a class allotted by lottery, in the month the class begins"),
            "classes",
        ),
        Metric(
            "waitlisted",
            pgettext_lazy("ledger metric", "On a waitlist"),
            "people",
            _("Sign-ups still waiting for a place in a class or event (as computed)"),
            "classes",
        ),
    ]


def venue_metrics() -> list[Metric]:
    metrics = [
        Metric(
            "bookings", pgettext_lazy("ledger metric", "Venue bookings"), "times", _BOOKING_ROWS, "venues"
        ),
        Metric(
            "checkins",
            pgettext_lazy("ledger metric", "Bookings checked in"),
            "times",
            _("Venue bookings checked in, by the day they start"),
            "venues",
        ),
        Metric(
            "no_shows",
            pgettext_lazy("ledger metric", "No-shows"),
            "times",
            _("Venue bookings nobody came to, by the day they start"),
            "venues",
        ),
        Metric(
            "cancellations",
            pgettext_lazy("ledger metric", "Cancellations"),
            "times",
            _("Venue bookings cancelled, by the day they would have started"),
            "venues",
        ),
        Metric(
            "appointments",
            pgettext_lazy("ledger metric", "Service-window appointments"),
            "times",
            _("Appointments at service windows (confirmed, checked in or no-show), by their day"),
            "venues",
        ),
        Metric(
            "booked_hours",
            pgettext_lazy("ledger metric", "Booked hours"),
            "hours",
            _(
                "Hours of venue bookings: a venue booked whole counts its hours; a venue sold by "
                "places counts hours × places ÷ capacity"
            ),
            "venues",
            decimals=1,
        ),
        Metric(
            "open_hours",
            pgettext_lazy("ledger metric", "Open hours"),
            "hours",
            _("Each active venue's opening hours in the month, closure days deducted"),
            "venues",
            decimals=1,
        ),
        ratio_metric(
            "utilisation",
            pgettext_lazy("ledger metric", "Venue utilisation"),
            "booked_hours",
            "open_hours",
            _("Booked hours ÷ open hours"),
            "venues",
        ),
        Metric(
            "free_hours",
            pgettext_lazy("ledger metric", "Free booked hours"),
            "hours",
            _("Booked hours of bookings without a fee"),
            "venues",
            decimals=1,
        ),
        ratio_metric(
            "free_hours_share",
            pgettext_lazy("ledger metric", "Share of free hours"),
            "free_hours",
            "booked_hours",
            _("Free booked hours ÷ booked hours"),
            "venues",
        ),
    ]
    for centre in Centre:
        booked, opened, used = CENTRE_VENUE_NAMES[centre]
        metrics += [
            Metric(f"booked_hours_{centre.value}", booked, "hours", _BOOKING_ROWS, "venues", decimals=1),
            Metric(
                f"open_hours_{centre.value}",
                opened,
                "hours",
                _("Each active venue's opening hours in the month, closure days deducted"),
                "venues",
                decimals=1,
            ),
            ratio_metric(
                f"utilisation_{centre.value}",
                used,
                f"booked_hours_{centre.value}",
                f"open_hours_{centre.value}",
                _("Booked hours ÷ open hours"),
                "venues",
            ),
        ]
    return metrics


def voice_metrics() -> list[Metric]:
    return [
        Metric(
            "wishes",
            pgettext_lazy("ledger metric", "Wishes received"),
            "items",
            _("Wishes workers proposed, by the day they were proposed"),
            "voice",
        ),
        Metric(
            "wishes_answered",
            pgettext_lazy("ledger metric", "Wishes answered"),
            "items",
            _("Wishes the palace answered (planned, done or declined), by the day of the answer"),
            "voice",
        ),
        Metric(
            "ratings",
            pgettext_lazy("ledger metric", "Ratings"),
            "times",
            _("Ratings of what people attended, by the date of what was rated"),
            "voice",
        ),
        Metric(
            "rating_stars",
            pgettext_lazy("ledger metric", "Stars given"),
            "stars",
            _("Stars of the ratings, added up (the total behind the average)"),
            "voice",
        ),
        Metric(
            "rating_avg",
            pgettext_lazy("ledger metric", "Average rating"),
            "stars",
            _("Stars given ÷ ratings: a mean weighted by the number of ratings"),
            "voice",
            rule=Rule.AVG_WEIGHTED,
            weight="ratings",
            total="rating_stars",
            decimals=2,
            inputs=("rating_stars", "ratings"),
        ),
    ]


def innovation_metrics() -> list[Metric]:
    """The problem clinic and free skill trainings (劳模工匠创新工作室联盟, 问诊平台, 小培训)."""
    return [
        Metric(
            "problems_posted",
            pgettext_lazy("ledger metric", "Technical problems posted"),
            "items",
            _("Problems workers and enterprises posted to the clinic, by the day they were posted"),
            "innovation",
        ),
        Metric(
            "problems_taken",
            pgettext_lazy("ledger metric", "Technical problems taken on"),
            "items",
            _("Problems a mentor took on (worked on), by the day they were taken"),
            "innovation",
        ),
        Metric(
            "problems_solved",
            pgettext_lazy("ledger metric", "Technical problems solved"),
            "items",
            _("Problems closed as solved, by the day they were closed"),
            "innovation",
        ),
        Metric(
            "guidance_sessions",
            pgettext_lazy("ledger metric", "Mentor guidance sessions"),
            "times",
            _("Guidance sessions mentors gave on problems (on site or online), by their date"),
            "innovation",
        ),
        Metric(
            "skill_training_person_times",
            pgettext_lazy("ledger metric", "Free skill training person-times"),
            "person_times",
            _("Attendance at sessions of courses marked as free skill training, by session date"),
            "innovation",
        ),
    ]


def employment_metrics() -> list[Metric]:
    return [
        Metric(
            "job_postings",
            pgettext_lazy("ledger metric", "Job postings published"),
            "items",
            _("Job postings the palace published, by the day they were published"),
            "employment",
        ),
        Metric(
            "job_openings",
            pgettext_lazy("ledger metric", "Job openings published"),
            "people",
            _("Openings of the job postings published, by the day they were published"),
            "employment",
        ),
        Metric(
            "job_applications",
            pgettext_lazy("ledger metric", "Job applications"),
            "times",
            _("Applications to the palace's job postings (withdrawn ones too), by the day of applying"),
            "employment",
        ),
        Metric(
            "job_placements",
            pgettext_lazy("ledger metric", "People placed through job postings"),
            "people",
            _("Applications that ended in a placement, by the day the person was placed"),
            "employment",
        ),
    ]


def alliance_metrics() -> list[Metric]:
    return [
        Metric(
            "hosting_applications",
            pgettext_lazy("ledger metric", "Hosting applications"),
            "items",
            _("Applications to host a provincial event, by the day they were submitted"),
            "alliance",
        ),
        Metric(
            "hosting_approved",
            pgettext_lazy("ledger metric", "Hosting applications approved"),
            "items",
            _("Applications approved, by the day of the decision"),
            "alliance",
        ),
        Metric(
            "subsidy_granted",
            pgettext_lazy("ledger metric", "Subsidies granted"),
            "yuan",
            _("Subsidies granted to approved hosts, by the day the application was approved"),
            "alliance",
            decimals=2,
        ),
        Metric(
            "subsidy_paid",
            pgettext_lazy("ledger metric", "Subsidies paid"),
            "yuan",
            _("Subsidy paid so far, in the month of its latest payment"),
            "alliance",
            decimals=2,
        ),
    ]


_CASES_CLOSED = _("Legal-help cases closed with this outcome, by the day they closed")


def legal_metrics() -> list[Metric]:
    """Counts of legal-help cases (activities.legal): never a name, only how many."""
    metrics = [
        Metric(
            "legal_cases_opened",
            pgettext_lazy("ledger metric", "Legal-help cases opened"),
            "cases",
            _("Cases workers opened (legal help or mediation), by the day they opened"),
            "legal",
        ),
        Metric(
            "legal_cases_closed",
            pgettext_lazy("ledger metric", "Legal-help cases closed"),
            "cases",
            _("Cases closed, whatever the outcome, by the day they closed"),
            "legal",
        ),
        Metric(
            "legal_cases_mediated",
            pgettext_lazy("ledger metric", "Disputes mediated successfully"),
            "cases",
            _("Cases closed with a mediated agreement, by the day they closed"),
            "legal",
        ),
        ratio_metric(
            "legal_mediation_rate",
            pgettext_lazy("ledger metric", "Share of closed cases mediated"),
            "legal_cases_mediated",
            "legal_cases_closed",
            _("Disputes mediated successfully ÷ cases closed"),
            "legal",
        ),
    ]
    for outcome in Outcome:
        if outcome == Outcome.MEDIATED:
            continue
        metrics.append(
            Metric(
                f"legal_outcome_{outcome.value}",
                format_lazy(pgettext_lazy("ledger metric", "Cases closed: {outcome}"), outcome=outcome.label),
                "cases",
                _CASES_CLOSED,
                "legal",
            )
        )
    return metrics


def team_metrics() -> list[Metric]:
    return [
        Metric(
            "team_volunteer_hours",
            pgettext_lazy("ledger metric", "Volunteer hours recorded"),
            "hours",
            _("Hours team members gave, recorded per member and day on the teams pages, by that day"),
            "teams",
            decimals=1,
        ),
        Metric(
            "team_members_joined",
            pgettext_lazy("ledger metric", "New team members"),
            "people",
            _("People who joined a team or volunteer organisation, by the day they joined"),
            "teams",
        ),
        Metric(
            "team_join_requests",
            pgettext_lazy("ledger metric", "Requests to join a team"),
            "items",
            _("Requests workers sent to join a team, by the day they sent them"),
            "teams",
        ),
    ]


_MANUAL_SOURCE = _("Lines the palace's manager added to the month's ledger, each with a note")


def manual_metrics() -> list[Metric]:
    return [
        Metric(
            "volunteer_hours",
            pgettext_lazy("ledger metric", "Volunteer service hours"),
            "hours",
            _MANUAL_SOURCE,
            "manual",
            manual=True,
            decimals=1,
        ),
        Metric(
            "jobs_placed",
            pgettext_lazy("ledger metric", "People placed in jobs"),
            "people",
            _MANUAL_SOURCE,
            "manual",
            manual=True,
        ),
        Metric(
            "legal_aid_cases",
            pgettext_lazy("ledger metric", "Legal-aid cases"),
            "cases",
            _MANUAL_SOURCE,
            "manual",
            manual=True,
        ),
        Metric(
            "bought_services",
            pgettext_lazy("ledger metric", "Bought-in services"),
            "items",
            _MANUAL_SOURCE,
            "manual",
            manual=True,
        ),
    ]
