from django.urls import path

from liangze.officials import views

app_name = "officials"
urlpatterns = [
    path("", views.official_list, name="list"),
    path("new/", views.official_create, name="create"),
    path("uncovered/", views.uncovered_list, name="uncovered"),
    path("mine/", views.my_businesses, name="mine"),
    path("<int:official_id>/", views.official_detail, name="detail"),
    path("<int:official_id>/edit/", views.official_edit, name="edit"),
    path("<int:official_id>/assign/", views.official_assign, name="assign"),
    path("<int:official_id>/hand-over/", views.official_hand_over, name="hand_over"),
    path("<int:official_id>/deactivate/", views.official_deactivate, name="deactivate"),
]
