from django.urls import include, path

from liangze.imports.urls import import_urlpatterns
from liangze.officials import views

app_name = "officials"
urlpatterns = [
    path("", views.official_list, name="list"),
    path("new/", views.official_create, name="create"),
    # The import engine's pages: officials:official_imports:start, …:assignment_imports:start.
    path("", include((import_urlpatterns("officials"), "official_imports"))),
    path("assignments/", include((import_urlpatterns("assignments"), "assignment_imports"))),
    path("import/<int:job_id>/passwords/", views.import_passwords, name="import_passwords"),
    path("uncovered/", views.uncovered_list, name="uncovered"),
    path("mine/", views.my_businesses, name="mine"),
    path("rules/", views.covering_rules, name="rules"),
    path("<int:official_id>/", views.official_detail, name="detail"),
    path("<int:official_id>/edit/", views.official_edit, name="edit"),
    path("<int:official_id>/assign/", views.official_assign, name="assign"),
    path("<int:official_id>/hand-over/", views.official_hand_over, name="hand_over"),
    path("<int:official_id>/deactivate/", views.official_deactivate, name="deactivate"),
]
