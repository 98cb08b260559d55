from django.urls import include, path

app_name = "businesses"
urlpatterns = [
    path("", include("liangze.businesses.page_urls")),
    path("", include("liangze.businesses.qr_urls")),
    path("register/", include("liangze.businesses.register_urls")),
]
