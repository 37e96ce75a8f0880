from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from apps.browse import views as browse_views
from apps.core import views as core_views

admin.site.site_header = "Streamfront curation"
admin.site.site_title = "Streamfront admin"

# Each app's prefix is mounted here, once; apps/*/urls.py list the paths under it. Accounts
# (sign-in under accounts/, the profile picker under profiles/), browse (title/, genre/,
# search/, my-list/) and tracking (t/, privacy/) own several top-level prefixes, so they list
# their own.
urlpatterns = [
    path("", browse_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("apps.accounts.urls")),
    path("", include("apps.browse.urls")),
    path("", include("apps.tracking.urls")),
    path("", include("apps.yourdata.urls")),
    path("artwork/", include("apps.artwork.urls")),
    path("onboarding/", include("apps.onboarding.urls")),
    path("watch/", include("apps.playback.urls")),
    path("party/", include("apps.parties.urls")),
    path("year/", include("apps.recap.urls")),
    path("ratings/", include("apps.ratings.urls")),
    path("account/subscription/", include("apps.subscriptions.urls")),
    path("", include("apps.subscriptions.public_urls")),
    path("", include("apps.engagement.channels.urls")),
    path("help/", include("apps.support.urls")),
    path("demo/", include("apps.demo.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
