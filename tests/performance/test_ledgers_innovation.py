"""The innovation figures of the monthly ledger: problems posted, taken, solved, guidance sessions
and free-skill-training person-times, each by its own day and palace."""

from datetime import date, datetime, timedelta

import pytest

from activities.classes.services.enrolments import enrolment_create
from activities.innovation.models import GuidanceSession, Problem, ProblemStatus
from bookings.models import Occurrence
from bookings.services.offering import attendance_roll_call
from performance.ledgers.metrics import metric
from performance.ledgers.models import LedgerFigure
from performance.ledgers.services import ledger_aggregate_month
from tests.activities.innovation_support import mentor
from tests.activities.support import make_course
from tests.bookings.support import NOW, SHANGHAI

pytestmark = pytest.mark.django_db
NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)


def figures(palace, month):
    return {
        f.metric: int(f.value)
        for f in LedgerFigure.objects.filter(palace=palace, month=month, metric__in=CODES)
        if f.value
    }


CODES = (
    "problems_posted",
    "problems_taken",
    "problems_solved",
    "guidance_sessions",
    "skill_training_person_times",
)


def _problem(w, palace, posted: date, *, status="open", taken=None, closed=None, m=None):
    return Problem.objects.create(
        palace=palace,
        poster=w.worker,
        title="t",
        field="mining",
        description="d",
        status=status,
        posted_on=posted,
        created_at=datetime.combine(posted, datetime.min.time(), SHANGHAI),
        mentor=m,
        taken_at=taken,
        closed_on=closed,
        outcome="ok" if closed else "",
    )


def test_the_metrics_are_in_the_catalogue_with_units():
    assert metric("problems_solved").unit == "items"
    assert metric("guidance_sessions").unit == "times"
    assert metric("skill_training_person_times").unit == "person_times"
    assert {metric(code).group for code in CODES} == {"innovation"}


def test_it_counts_problems_and_sessions_by_their_own_days(world):
    m = mentor(world)
    mb = mentor(world, palace=world.palace_b, name="乙")
    # Posted in October, taken on 1 November 00:30 local (still October in UTC), solved in November.
    taken = datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI)
    solved = _problem(
        world, world.palace_a, date(2026, 10, 20), status="solved", taken=taken, closed=date(2026, 11, 5), m=m
    )
    _problem(world, world.palace_a, date(2026, 11, 2))
    _problem(
        world,
        world.palace_a,
        date(2026, 11, 3),
        status="unsolved",
        taken=taken + timedelta(days=2),
        closed=date(2026, 11, 9),
        m=m,
    )
    _problem(world, world.palace_b, date(2026, 11, 3), status="taken", taken=taken, m=mb)
    for day in (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)):
        GuidanceSession.objects.create(
            palace=world.palace_a, problem=solved, mentor=m, date=day, form="online"
        )

    ledger_aggregate_month(month=OCT, palace_ids=[world.palace_a.pk, world.palace_b.pk], now=NOW)
    ledger_aggregate_month(month=NOV, palace_ids=[world.palace_a.pk, world.palace_b.pk], now=NOW)

    assert figures(world.palace_a, OCT) == {"problems_posted": 1, "guidance_sessions": 1}
    assert figures(world.palace_a, NOV) == {
        "problems_posted": 2,
        "problems_taken": 2,
        "problems_solved": 1,
        "guidance_sessions": 2,
    }
    assert figures(world.palace_b, NOV) == {"problems_posted": 1, "problems_taken": 1}
    assert Problem.objects.filter(status=ProblemStatus.UNSOLVED).count() == 1  # not counted as solved


def test_it_counts_attendance_at_free_skill_trainings_only(world):
    skills = make_course(world, title="电工技能培训", skill_training=True)
    hobby = make_course(world, term=skills.term, title="书法入门", weekdays=[3])
    for course in (skills, hobby):
        booking = enrolment_create(user=world.worker, course=course, now=NOW)
        other = enrolment_create(user=world.worker2, course=course, now=NOW)
        session = Occurrence.objects.filter(offering=course.offering).order_by("start").first()
        attendance_roll_call(
            actor=world.staff_a,
            occurrence=session,
            present=[booking.pk, other.pk],
            now=session.start + timedelta(hours=1),
        )
    month = session.local_date.replace(day=1)

    ledger_aggregate_month(month=month, palace_ids=[world.palace_a.pk], now=session.start + timedelta(days=1))

    assert figures(world.palace_a, month)["skill_training_person_times"] == 2


def test_a_free_skill_training_has_no_fee(world):
    from palace_portal.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        make_course(world, title="焊工培训", skill_training=True, fee="20")
    assert "fee" in refused.value.fields
