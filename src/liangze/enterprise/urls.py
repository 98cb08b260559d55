from django.urls import path

from liangze.enterprise import views

app_name = "enterprise"

urlpatterns = [
    path("", views.home, name="home"),
    path("gaps/", views.gaps, name="gaps"),
    path("enrol/", views.enrol, name="enrol"),
    path("notices/<int:self_check_notice_id>/read/", views.notice_read, name="notice_read"),
    path("starter/", views.starter_lists, name="starter_lists"),
    path("starter/<int:province_id>/<str:group>/", views.starter_edit, name="starter_edit"),
    path("<int:business_id>/", views.business_duties, name="business"),
    path("<int:business_id>/daily/", views.daily_check, name="daily_check"),
    path("<int:business_id>/closed/", views.closed_day, name="closed_day"),
    path("<int:business_id>/weekly/", views.weekly_review, name="weekly_review"),
    path("<int:business_id>/monthly/", views.monthly_meeting, name="monthly_meeting"),
    path("<int:business_id>/profile/", views.profile_edit, name="profile"),
    path("<int:business_id>/officers/", views.officer_add, name="officer_add"),
    path("<int:business_id>/director/", views.director_appoint, name="director_appoint"),
    path("<int:business_id>/accounts/new/", views.staff_account_new, name="staff_account_new"),
    path("<int:business_id>/enrolment/", views.enrolment_issue, name="enrolment_issue"),
    path("<int:business_id>/<str:kind>/<int:person_id>/end/", views.person_end, name="person_end"),
    path(
        "<int:business_id>/<str:kind>/<int:person_id>/training/",
        views.training_add,
        name="training_add",
    ),
    path("<int:business_id>/<str:kind>/<int:person_id>/card/", views.duty_card, name="duty_card"),
    path("<int:business_id>/risks/", views.risk_list, name="risk_list"),
    path("<int:business_id>/risks/edit/", views.risk_list_edit, name="risk_list_edit"),
]
