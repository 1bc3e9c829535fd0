"""The innovation side of the aggregation (see `counting`): the problem clinic and free skill
trainings, one grouped query per source over the month range, per palace.

- problems posted by their local posting day, taken by the local day a mentor took them, solved
  by the day they were closed as solved;
- guidance sessions by their date;
- skill-training person-times: attendance at sessions of courses marked as free skill training,
  by the session's local date, counted with the rest of the attendance
  (`counting.count_attendance`, one pass over the month's attendance rows).
No figure names a person: only counts per palace and month.
"""

from __future__ import annotations

from activities.models import GuidanceSession, Problem, ProblemStatus

from .counting import Tally, _count_by_moment, _month, month_of_day, row_count


def _count_by_day(tally: Tally, queryset, day_field: str, code: str) -> None:
    rows = (
        tally.scoped(queryset.filter(**tally.by_day(day_field)))
        .values("palace_id", m=month_of_day(day_field))
        .annotate(n=row_count())
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, code, row["n"])


def count_innovation(tally: Tally) -> None:
    _count_by_day(tally, Problem.objects.all(), "posted_on", "problems_posted")
    _count_by_moment(tally, Problem.objects.filter(taken_at__isnull=False), "taken_at", "problems_taken")
    _count_by_day(tally, Problem.objects.filter(status=ProblemStatus.SOLVED), "closed_on", "problems_solved")
    _count_by_day(tally, GuidanceSession.objects.all(), "date", "guidance_sessions")
