# QR codes and print sheets for office staff (businesses/qr_views.py).
from django.urls import path

from liangze.businesses import qr_views

urlpatterns = [
    path("<int:business_id>/qr.png", qr_views.business_qr_png, name="qr_png"),
    path("<int:business_id>/qr/reissue", qr_views.business_qr_reissue, name="qr_reissue"),
    path("qr-sheet/", qr_views.qr_sheet, name="qr_sheet"),
    path("qr-stickers/", qr_views.qr_stickers, name="qr_stickers"),
    path("qr-stickers/<int:job_id>.docx", qr_views.qr_stickers_file, name="qr_stickers_file"),
]
