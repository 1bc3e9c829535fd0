"""A database that does not answer (restarting, failing over, out of connections) is a 503 with
a retry hint, not a 500: `{"code": "database_unavailable", "detail"}` under /api/ (API.md's error
shape), the portal's error page elsewhere, both with `Retry-After`.

Django's persistent connections recover by themselves: with CONN_HEALTH_CHECKS a connection is
tested before its first use in a request and replaced when the server restarted, and one that
failed during a request is closed at its end. So the web processes need no restart, and the
requests that met the outage are the only ones that fail.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

# Seconds a client is told to wait: a restart of PostgreSQL takes a few.
RETRY_AFTER = 5

UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 for `error` (an OperationalError or InterfaceError), in the shape the path calls for."""
    from palace_portal.views import service_unavailable

    logger.warning("database unavailable for %s %s: %s", request.method, request.path, type(error).__name__)
    # A connection that failed mid-request is closed now, not left for the next request to trip on.
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()
    response = service_unavailable(request)
    response["Retry-After"] = str(RETRY_AFTER)
    # Logged once above, as a warning: Django would add an ERROR line per request of the outage.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turns the database errors of a view into the 503 above (the outermost middleware, so that
    errors of the inner ones, e.g. saving a session, reach `palace_portal.views.server_error`,
    which answers the same way)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return database_unavailable(request, exception)
        return None
