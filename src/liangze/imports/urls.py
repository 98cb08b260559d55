"""The engine's pages for one spec, mounted by its entity (see import_urlpatterns)."""

from django.urls import path

from liangze.imports import views


def import_urlpatterns(spec: str) -> list:
    """The upload, template, commit and bad-rows pages of the spec named `spec`, to include
    under the entity's prefix in a namespace of the entity's choosing."""
    kwargs = {"spec": spec}
    return [
        path("import/", views.import_start, kwargs, name="start"),
        path("import/template.xlsx", views.import_template, kwargs, name="template"),
        path("import/<int:job_id>/commit/", views.import_commit, kwargs, name="commit"),
        path("import/<int:job_id>/bad-rows.xlsx", views.import_bad_rows, kwargs, name="bad_rows"),
    ]
