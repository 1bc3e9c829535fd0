"""Legal help for workers: `path("legal/", include("activities.legal.urls"))`."""

from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("palaces/<int:palace_id>/", views.legal_help, name="help"),
    path("palaces/<int:palace_id>/ask/", views.case_new, name="case_new"),
    path("cases/", views.my_cases, name="mine"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
]
