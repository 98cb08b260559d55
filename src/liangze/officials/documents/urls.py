from django.urls import path

from liangze.officials.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_board, name="board"),
    path("mine/", views.my_documents, name="mine"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/read/", views.reminders_read_all, name="reminders_read_all"),
    path("reminders/<int:reminder_id>/read/", views.reminder_read, name="reminder_read"),
    path("generate/", views.documents_generate, name="generate"),
    path("archive/", views.documents_archive, name="archive"),
    path("templates/", views.template_list, name="templates"),
    path("<int:document_id>/", views.document_detail, name="detail"),
    path("<int:document_id>/reject/", views.document_reject, name="reject"),
]
