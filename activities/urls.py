from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("<int:palace_id>/", views.ledger, name="ledger"),
    path("<int:palace_id>/new/", views.activity_new, name="new"),
    path("<int:palace_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:palace_id>/export.csv", views.export_csv, name="export_csv"),
    path("activity/<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("activity/<int:activity_id>/delete/", views.activity_remove, name="delete"),
]
