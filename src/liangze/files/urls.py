from django.urls import path

from liangze.files import views

app_name = "files"
urlpatterns = [path("<uuid:file_id>/", views.stored_file_download, name="download")]
