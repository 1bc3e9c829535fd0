"""The course list's page (`GET /api/v1/courses/`, latest term first) is read through its indexes
(`term_latest_first`, `course_published_in_order`) on PostgreSQL: a page reads its twenty rows
instead of joining and sorting every published course of every term (8 ms at x10; 0.1 ms so).

The test database is small and the planner would rightly sort it in memory, so sequential scans,
bitmap scans and full sorts are switched off for the EXPLAIN: what is checked is that reading the
page in order from the two indexes is possible, i.e. that they match the list's order."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.activities.support import make_course, make_term

pytestmark = pytest.mark.django_db


def _plan(sql: str, params) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_page_of_the_course_list_is_read_in_order_from_its_indexes(postgres, world):
    term = make_term(world)
    for n in range(3):
        make_course(world, term, title=f"课程{n}")
    with CaptureQueriesContext(connection) as run:
        assert APIClient().get("/api/v1/courses/").status_code == 200
    pages = [
        q["sql"] for q in run.captured_queries if "LIMIT" in q["sql"] and '"activities_term"' in q["sql"]
    ]
    assert len(pages) == 1, [q["sql"] for q in run.captured_queries]
    # CaptureQueriesContext gives the SQL with its values inlined: explain it as it ran.
    plan = _plan(pages[0], None)
    assert "term_latest_first" in plan, plan
    assert "course_published_in_order" in plan, plan
    full_sorts = [line for line in plan.splitlines() if re.match(r"\s*(->\s+)?Sort\s+\(", line)]
    assert not full_sorts, plan
