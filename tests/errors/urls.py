"""The portal's URLs plus two views that fail, to see the error pages as production shows them."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from palace_portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied


urlpatterns = [
    path("test-boom/", boom),
    path("api/v1/test-boom/", boom),
    path("test-refuse/", refuse),
    *urlpatterns,
]
