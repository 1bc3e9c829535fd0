import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from palace_portal.middleware import UNAVAILABLE, database_unavailable


def favicon(request):
    # Resolved per request: the manifest storage of production only knows the hashed name
    # once collectstatic has run, which is after the URLconf is first imported.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def health(request):
    """For load balancers and the benchmark's baseline: the app answers and reaches its database.

    One query, no session, no template; 503 when the database does not answer.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (db,) = cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"ok": False, "db": 0}, status=503)
    return JsonResponse({"ok": True, "db": db})


# --- Error pages ----------------------------------------------------------------------------------
# The portal's own answers for what goes wrong: Chinese pages in the portal's layout with a way
# back, and the API's `{"code", "detail"}` shape for anything under /api/ (API.md: never HTML).

_ERRORS = {
    400: ("bad_request", _("The request could not be understood.")),
    403: ("forbidden", _("You may not do this.")),
    404: ("not_found", _("Not found.")),
    500: ("server_error", _("Something went wrong on our side. Please try again in a moment.")),
}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _error(request, status: int, *, template: str, context: dict | None = None):
    code, detail = _ERRORS[status]
    if _is_api(request):
        return JsonResponse({"code": code, "detail": str(detail)}, status=status)
    return render(request, template, {"status": status, "detail": detail, **(context or {})}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, template="errors/400.html")


def permission_denied(request, exception=None):
    return _error(request, 403, template="errors/403.html")


def page_not_found(request, exception=None):
    return _error(request, 404, template="errors/404.html")


def server_error(request):
    """Rendered without the request's context processors: they may be what failed.

    A database that does not answer is a 503 with a retry hint, not a 500, also when the error
    came from a middleware (e.g. saving the session) rather than a view."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return database_unavailable(request, error)
    if _is_api(request):
        code, detail = _ERRORS[500]
        return JsonResponse({"code": code, "detail": str(detail)}, status=500)
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))


def service_unavailable(request):
    """503: the database does not answer (palace_portal.middleware adds Retry-After). Rendered
    without context processors or the base layout, which would ask the database for the user."""
    if _is_api(request):
        return JsonResponse(
            {
                "code": "database_unavailable",
                "detail": str(_("The service is briefly unavailable. Please try again in a few seconds.")),
            },
            status=503,
        )
    return HttpResponse(loader.get_template("errors/503.html").render({}), status=503)


def csrf_failure(request, reason=""):
    """A form sent without its security token (often: a page left open past the session)."""
    if _is_api(request):
        return JsonResponse(
            {
                "code": "csrf_failed",
                "detail": str(_("The CSRF token is missing or wrong. Send the token with session sign-in.")),
            },
            status=403,
        )
    return render(request, "errors/csrf.html", {"status": 403}, status=403)
