from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog  # noqa: F401 - kept for later client strings

from apps.browse import views as browse_views
from apps.core import views as core_views

admin.site.site_header = "Streamfront curation"
admin.site.site_title = "Streamfront admin"

urlpatterns = [
    path("", browse_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("apps.accounts.urls")),
    path("", include("apps.browse.urls")),
    path("", include("apps.artwork.urls")),
    path("", include("apps.onboarding.urls")),
    path("", include("apps.playback.urls")),
    path("", include("apps.ratings.urls")),
    path("", include("apps.subscriptions.urls")),
    path("", include("apps.demo.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
