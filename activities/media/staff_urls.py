"""Staff pages of the media centre: `/staff/news/...` (namespace `news_staff`)."""

from django.urls import path

from . import staff_views as views

app_name = "news_staff"

urlpatterns = [
    path("province/", views.province_desk, name="province"),
    path("province/new/", views.province_article_new, name="province_new"),
    path("province/columns/", views.province_column_new, name="province_column_new"),
    path("article/<int:article_id>/", views.article_edit, name="edit"),
    path("article/<int:article_id>/publish/", views.article_publish, name="publish"),
    path("article/<int:article_id>/unpublish/", views.article_unpublish, name="unpublish"),
    path("<int:palace_id>/", views.desk, name="list"),
    path("<int:palace_id>/new/", views.article_new, name="new"),
    path("<int:palace_id>/columns/", views.column_new, name="column_new"),
    path("<int:palace_id>/channels/", views.channel_new, name="channel_new"),
    path("<int:palace_id>/channels/<int:channel_id>/delete/", views.channel_delete, name="channel_delete"),
]
