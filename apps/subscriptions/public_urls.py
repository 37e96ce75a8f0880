"""Pages for signed-out visitors too: the welcome offer's link and the newsletter."""

from django.urls import path

from apps.subscriptions.views import offers

app_name = "offers"

urlpatterns = [
    path("welcome/", offers.welcome, name="welcome"),
    path("newsletter/", offers.newsletter, name="newsletter"),
    path("newsletter/confirm/<str:token>/", offers.newsletter_confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        offers.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]
