from django.urls import path

from liangze.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.read_all, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("<int:notification_id>/", views.notification_open, name="open"),
]
