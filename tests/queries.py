"""Query bounds of the pages and API endpoints (issue 13): at most `PAGE_QUERY_LIMIT` SQL statements,
and as many with more data as with little. Tests count a request with `queries_of`, add rows of
every kind the page shows, count again and compare."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGE_QUERY_LIMIT = 10


def queries_of(
    request: Callable[[], object], *, status: int = 200, limit: int | None = PAGE_QUERY_LIMIT
) -> int:
    """The number of SQL statements `request()` runs, at most `limit` (None: any number); its
    response must have `status`."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == status, response.status_code
    count = len(captured)
    if limit is not None and count > limit:
        listing = "\n".join(q["sql"][:160] for q in captured.captured_queries)
        raise AssertionError(f"{count} queries, more than {limit}:\n{listing}")
    return count
