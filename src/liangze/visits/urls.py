from django.urls import path

from liangze.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("sw.js", views.service_worker, name="sw"),
    path("new/<int:business_id>/", views.visit_new, name="new"),
    path("progress/", views.progress, name="progress"),
    path("checklist/", views.checklist_items, name="checklist"),
    path("export.xlsx", views.visits_export, name="export"),
    path("official/<int:official_id>/", views.official_visits, name="official"),
    path("<int:visit_id>/", views.visit_detail, name="detail"),
]
