"""Rating pages (namespace `ratings`), mounted at the site root by `activities.urls`.

Workers: /ratings/ (rate, see and change their own). Staff: /staff/ratings/<palace_id>/ (averages,
comments, hiding). Before the palace desk's `staff/` include and the venues' catch-all.
"""

from django.urls import path

from activities.ratings import views

app_name = "ratings"

urlpatterns = [
    path("ratings/", views.rate_list, name="mine"),
    path("ratings/<int:rating_id>/edit/", views.rating_edit, name="edit"),
    path("staff/ratings/<int:palace_id>/", views.staff_summary, name="staff"),
    path("staff/ratings/<int:palace_id>/<int:rating_id>/hide/", views.rating_hide, name="hide"),
    path("staff/ratings/<int:palace_id>/<int:rating_id>/unhide/", views.rating_unhide, name="unhide"),
]
