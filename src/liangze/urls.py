from django.urls import include, path
from django.views.i18n import set_language

from liangze.api import api
from liangze.core import views as core_views
from liangze.officials import views as officials_views
from liangze.regions import views as regions_views

urlpatterns = [
    # An official's home opens on their businesses (officials.views.home); others' is the usual.
    path("", officials_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("liangze.accounts.urls")),
    path("regions/import/", regions_views.division_import, name="division_import"),
    path("regions/", include("liangze.regions.urls")),
    path("audit/", include("liangze.audit.urls")),
    # Before the registry's pages: /businesses/import/… and /businesses/export.xlsx.
    path("businesses/", include("liangze.businesses.import_urls")),
    path("businesses/", include("liangze.businesses.urls")),
    path("officials/", include("liangze.officials.urls")),
    path("p/", include("liangze.businesses.public_urls")),
    path("documents/", include("liangze.officials.documents.urls")),
    path("dashboards/", include("liangze.dashboards.urls")),
    path("visits/", include("liangze.visits.urls")),
    path("problems/", include("liangze.rectification.urls")),
    path("notifications/", include("liangze.notifications.urls")),
    path("duties/", include("liangze.enterprise.urls")),
    path("jobs/", include("liangze.jobs.urls")),
    path("files/", include("liangze.files.urls")),
    path("api/v1/", api.urls),
]

handler400 = "liangze.core.views.bad_request"
handler403 = "liangze.core.views.permission_denied"
handler404 = "liangze.core.views.page_not_found"
handler500 = "liangze.core.views.server_error"
