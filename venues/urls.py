from django.urls import include, path

from . import views

app_name = "venues"

urlpatterns = [
    path("palaces/", views.palace_list, name="palace_list"),
    path("palaces/<int:pk>/", views.palace_detail, name="palace_detail"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("network/", views.network_overview, name="network_overview"),
    # The 15-minute service circle: the worker's search, a point's page, the staff's points.
    path("circle/", include("venues.circle.urls")),
]
