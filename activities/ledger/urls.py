from django.urls import path

from activities.ledger import import_views, views

app_name = "activities"

urlpatterns = [
    path("<int:palace_id>/", views.ledger, name="ledger"),
    path("<int:palace_id>/new/", views.activity_new, name="new"),
    path("<int:palace_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:palace_id>/export.csv", views.export_csv, name="export_csv"),
    path("<int:palace_id>/import/", import_views.import_upload, name="import"),
    path("<int:palace_id>/import/commit/", import_views.import_commit, name="import_commit"),
    path("<int:palace_id>/import/template.xlsx", import_views.import_template, name="import_template"),
    path("activity/<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("activity/<int:activity_id>/delete/", views.activity_remove, name="delete"),
]
