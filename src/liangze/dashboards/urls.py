from django.urls import path

from liangze.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.region_dashboard, name="region"),
    path("summary/", views.leader_summary, name="summary"),
]
