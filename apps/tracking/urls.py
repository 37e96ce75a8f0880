# Tracking owns two top-level prefixes: t/ (the browser's event batches) and privacy/ (the
# consent choice, for visitors and viewers alike), so it lists its own, like accounts.
from django.urls import path

from apps.tracking import views

app_name = "tracking"
urlpatterns = [
    path("t/events", views.events, name="events"),
    path("privacy/", views.privacy, name="privacy"),
]
