"""The portal's URLs plus views that fail, to see the error pages as production shows them."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from palace_portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def refuse(request):
    raise PermissionDenied


urlpatterns = [
    path("test-boom/", boom),
    path("api/v1/test-boom/", boom),
    path("test-refuse/", refuse),
    path("test-db-down/", database_down),
    path("api/v1/test-db-down/", database_down),
    *urlpatterns,
]
