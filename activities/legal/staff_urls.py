"""Legal help for the palace: `path("staff/legal/", include("activities.legal.staff_urls"))`."""

from django.urls import path

from . import staff_views as views

app_name = "legal_staff"

urlpatterns = [
    path("<int:palace_id>/", views.cases, name="cases"),
    path("<int:palace_id>/cases/<int:case_id>/", views.case, name="case"),
    path("<int:palace_id>/reads/", views.reads, name="reads"),
]
