from django.urls import path

from liangze.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.division_tree, name="tree"),
    path("<int:division_id>/", views.division_detail, name="detail"),
    path("picker/", views.division_picker_options, name="picker"),
]
