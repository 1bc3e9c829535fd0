from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
