from django.urls import path

from liangze.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list_page, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
]
