# Registry pages: list, detail, forms, bulk actions (businesses/views.py).
from django.urls import path

from liangze.businesses import views

urlpatterns = [
    path("", views.business_list, name="list"),
    path("new/", views.business_create, name="create"),
    path("bulk/", views.business_bulk, name="bulk"),
    path("<int:business_id>/", views.business_detail, name="detail"),
    path("<int:business_id>/edit/", views.business_edit, name="edit"),
    path("<int:business_id>/grade/", views.business_regrade, name="regrade"),
    path("<int:business_id>/status/", views.business_status_change, name="status_change"),
    path("<int:business_id>/move/", views.business_move, name="move"),
    path("<int:business_id>/successors/", views.business_successors, name="successors"),
]
