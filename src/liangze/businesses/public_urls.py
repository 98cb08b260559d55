# The public page a QR code opens, no login (businesses/public_views.py).
from django.urls import path

from liangze.businesses import public_views

app_name = "public"
urlpatterns = [
    path("<slug:token>", public_views.business_page, name="business"),
    path("<slug:token>/report", public_views.business_report, name="report"),
]
