from django.urls import path

from liangze.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.region_dashboard, name="region"),
    path("summary/", views.leader_summary, name="summary"),
    path("notices/generate/", views.notice_generate, name="notice_generate"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:notice_id>/publish/", views.notice_publish, name="notice_publish"),
    path(
        "notices/<int:notice_id>/notice.<str:extension>",
        views.notice_download,
        name="notice_download",
    ),
]
