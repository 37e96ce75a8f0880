# The channels own several top-level prefixes (inbox/, m/, unsubscribe/, account/notifications/,
# sw.js at the root for the service worker's scope), so they list their own, like accounts.
from django.urls import path

from apps.engagement.channels import views

app_name = "engagement"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bell/", views.bell, name="bell"),
    path("inbox/<id:message_id>/read/", views.message_read, name="read"),
    path("inbox/<id:message_id>/dismiss/", views.message_dismiss, name="dismiss"),
    path("inbox/<id:message_id>/go/", views.message_go, name="go"),
    path("m/<str:token>/go/", views.tracked_go, name="tracked_go"),
    path("m/<str:token>/open.gif", views.tracked_open, name="tracked_open"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/notifications/", views.notification_settings, name="settings"),
    path("account/notifications/push/", views.push_subscribe, name="push_subscribe"),
    path("account/notifications/push/remove/", views.push_unsubscribe, name="push_unsubscribe"),
    path("sw.js", views.service_worker, name="service_worker"),
]
