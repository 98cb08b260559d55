from django.urls import path

from liangze.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("queue/", views.regulator_queue, name="queue"),
    path("queue/accept/", views.bulk_accept, name="bulk_accept"),
    path("mine/", views.business_problems, name="mine"),
    path("reports/", views.report_inbox, name="reports"),
    path("rules/", views.loop_rules, name="rules"),
    path("reports/<int:report_id>/", views.report_handle, name="report_handle"),
    path("<int:problem_id>/", views.problem_detail, name="detail"),
    path("<int:problem_id>/print/", views.problem_print, name="print"),
    path("<int:problem_id>/<str:action>/", views.problem_act, name="act"),
]
