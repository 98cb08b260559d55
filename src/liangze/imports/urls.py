# Mounted at /businesses/ before the registry's own pages (liangze/urls.py), so that "import/"
# and "export.xlsx" are ours; the registry's routes all start with a number or a fixed word.
from django.urls import path

from liangze.imports import views

app_name = "imports"
urlpatterns = [
    path("import/", views.import_start, name="start"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("import/<int:job_id>/commit/", views.import_commit, name="commit"),
    path("import/<int:job_id>/bad-rows.xlsx", views.import_bad_rows, name="bad_rows"),
    path("export.xlsx", views.export, name="export"),
    path("export/<int:job_id>.xlsx", views.export_file, name="export_file"),
]
