# Mounted at /businesses/ before the registry's own pages (liangze/urls.py), so that "import/"
# and "export.xlsx" are ours; the registry's routes all start with a number or a fixed word.
from django.urls import path

from liangze.businesses import import_views
from liangze.imports.urls import import_urlpatterns

app_name = "imports"
urlpatterns = [
    *import_urlpatterns("businesses"),
    path("export.xlsx", import_views.export, name="export"),
    path("export/<int:job_id>.xlsx", import_views.export_file, name="export_file"),
]
