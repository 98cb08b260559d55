# The regulator's register under /businesses/register/: the engine's import pages
# (businesses:register_imports:start, …) and the rows missing from the platform.
from django.urls import include, path

from liangze.businesses import register_views
from liangze.imports.urls import import_urlpatterns

urlpatterns = [
    path("", include((import_urlpatterns("register"), "register_imports"))),
    path("missing/", register_views.missing_list, name="register_missing"),
    path("missing/export.xlsx", register_views.missing_export, name="register_missing_export"),
]
