from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.landing, name="landing"),
    path("dashboard/mine/", views.mine, name="dashboard_mine"),
    path("dashboard/", views.province, name="dashboard_province"),
    path("dashboard/city/<int:city_id>/", views.city, name="dashboard_city"),
    path("dashboard/palace/<int:palace_id>/", views.palace, name="dashboard_palace"),
    path("export/province/<str:month>.xlsx", views.export_province_month, name="export_province_month"),
    path(
        "export/palace/<int:palace_id>/<int:year>.xlsx", views.export_palace_year, name="export_palace_year"
    ),
]
